/** What went wrong, for programs to match on: the server's `error.code`, an OAuth error, or one of the client's own. */
export type PartnerErrorCode =
  | "network_error" // fetch failed (DNS, connection reset, ...): no response
  | "timeout" // no response within `timeoutMs`
  | "invalid_response" // a 2xx whose body is not the JSON the operation returns
  | "missing_credential" // the operation needs a token the client was not given
  | (string & {});

export interface PartnerErrorDetails {
  status: number;
  code: PartnerErrorCode;
  message: string;
  traceId: string;
  field?: string;
  requestId?: string;
  rawText?: string;
  cause?: unknown;
}

/**
 * The one error shape every failed call ends in, whatever the server sent: the error envelope, an
 * OAuth error, an HTML error page, an empty or invalid body, or no response at all (`status` 0).
 * It carries no request headers or bodies, so credentials cannot leak through it.
 */
export class PartnerApiError extends Error {
  override readonly name = "PartnerApiError";
  /** HTTP status, or 0 when no response arrived (network error, timeout). */
  readonly status: number;
  readonly code: PartnerErrorCode;
  /** `x-partner-trace-id` the request was sent with: quote it to CHeKT support. */
  readonly traceId: string;
  /** The input the server blamed (`error.field`), if any. */
  readonly field?: string;
  readonly requestId?: string;
  /** The response body when it was not JSON (an HTML 502 page, plain text). */
  readonly rawText?: string;

  constructor(details: PartnerErrorDetails) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.code = details.code;
    this.traceId = details.traceId;
    if (details.field !== undefined) this.field = details.field;
    if (details.requestId !== undefined) this.requestId = details.requestId;
    if (details.rawText !== undefined) this.rawText = details.rawText;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const stringOrUndefined = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);

/** A body as openapi-fetch hands it over: the parsed JSON, or the raw text when it was not JSON. */
export function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Builds the error for a non-2xx response from its body (parsed JSON, or the raw text when it was
 * not JSON). Never throws: unknown shapes keep their text in `rawText` and get a code from the
 * status (`http_502`).
 */
export function errorFromResponse(response: Response, body: unknown, traceId: string, operation: string): PartnerApiError {
  const rawText = typeof body === "string" && body !== "" ? body : undefined;
  const empty = body === undefined || body === "";
  const status = response.status;
  const envelope = isRecord(body) && isRecord(body.error) ? body.error : undefined; // { error: { code, message, field, request_id } }
  const oauthCode = isRecord(body) ? stringOrUndefined(body.error) : undefined; // RFC 6749: { error, error_description }
  const code = stringOrUndefined(envelope?.code) ?? oauthCode ?? `http_${status}`;
  const serverMessage = stringOrUndefined(envelope?.message) ?? (isRecord(body) ? stringOrUndefined(body.error_description) : undefined);
  const what = rawText !== undefined ? "a non-JSON body (see rawText)" : empty ? "an empty body" : serverMessage ? `${code}: ${serverMessage}` : "an unrecognised JSON body";
  return new PartnerApiError({
    status,
    code,
    message: `${operation} failed with HTTP ${status}${response.statusText ? ` ${response.statusText}` : ""} and ${what} (trace id ${traceId}).`,
    traceId,
    field: stringOrUndefined(envelope?.field),
    requestId: stringOrUndefined(envelope?.request_id) ?? response.headers.get("x-request-id") ?? undefined,
    rawText,
  });
}
