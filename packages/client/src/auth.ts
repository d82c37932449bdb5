import { PartnerApiError, errorFromResponse, parseBody } from "./errors.js";
import { defaultAuthorizationUrl } from "./generated/operations.js";
import type { components } from "./generated/schema.js";
import { TRACE_ID_HEADER } from "./transport.js";

export type TokenResponse = components["schemas"]["TokenResponse"];
export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

/** Lifetime the spec gives a token when the server omits `expires_in`. */
const DEFAULT_TOKEN_LIFETIME_S = 3600;
/** Refresh this long before expiry (at most a tenth of the lifetime) so no call goes out with a dying token. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * POSTs a form to the token endpoint, giving up after `timeoutMs` (every call waiting for the token
 * would hang with it); a failure becomes a PartnerApiError with the OAuth `error` as code.
 */
export async function postTokenForm(fetchImpl: FetchLike, tokenUrl: string, form: Record<string, string>, traceId: string, timeoutMs: number): Promise<TokenResponse> {
  // A server (or a proxy) may echo the form back in its error, and a tokenUrl may carry a secret in
  // its query: no secret of the form survives into an error's message, rawText or cause.
  const redact = redactorFor([form.client_secret, form.code, form.code_verifier]);
  const shownUrl = redact(tokenUrl);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const request = new Request(tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json", [TRACE_ID_HEADER]: traceId },
    body: new URLSearchParams(form).toString(),
  });
  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(request, { signal: controller.signal });
    text = await response.text();
  } catch (cause) {
    const timedOut = controller.signal.aborted;
    const reason = String((cause as Error)?.message ?? cause);
    const causeIsClean = redact(reason) === reason && redact(String((cause as Error)?.stack ?? "")) === String((cause as Error)?.stack ?? "");
    throw new PartnerApiError({
      status: 0,
      code: timedOut ? "timeout" : "network_error",
      message: `Token request to ${shownUrl} ${timedOut ? `got no response within ${timeoutMs} ms` : `failed before a response arrived: ${redact(reason)}`} (trace id ${traceId}).`,
      traceId,
      cause: timedOut || !causeIsClean ? undefined : cause,
    });
  } finally {
    clearTimeout(timer);
  }
  const body = parseBody(redact(text));
  if (!response.ok) throw errorFromResponse(response, body, traceId, `Token request (POST ${shownUrl})`);
  const token = body as TokenResponse | undefined;
  // The body stays out of this error: a misrouted token call could echo the form, secret included.
  if (typeof token?.access_token !== "string") {
    throw new PartnerApiError({ status: response.status, code: "invalid_response", message: `Token request (POST ${shownUrl}) answered ${response.status} without an access_token in a JSON body; check tokenUrl.`, traceId });
  }
  return token!;
}

/** Replaces every occurrence of the given secrets (raw, or form/URL-encoded) with "[redacted]". */
function redactorFor(secrets: (string | undefined)[]): (text: string) => string {
  const forms = [...new Set(secrets.filter((secret): secret is string => !!secret).flatMap((secret) => [secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]))];
  // Longest first, so an encoded form is not half-replaced through a shorter raw one.
  forms.sort((a, b) => b.length - a.length);
  return (text) => forms.reduce((redacted, secret) => redacted.split(secret).join("[redacted]"), text);
}

export interface ClientCredentials {
  clientId: string;
  /** Server-side only: never ship it to browsers. */
  clientSecret: string;
  /** Default: the spec's token path on the client's baseUrl. */
  tokenUrl?: string;
}

/**
 * Client-credentials tokens, cached until shortly before `expires_in` runs out. Concurrent callers
 * share one token request. The secret lives only in this closure, so it is not reachable from the
 * client object (`toString()`, `JSON.stringify`, `util.inspect`).
 */
export function clientCredentialsTokens(credentials: ClientCredentials, tokenUrl: string, fetchImpl: FetchLike, newTraceId: () => string, timeoutMs: number) {
  const { clientId, clientSecret } = credentials;
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const fetchToken = async () => {
    const response = await postTokenForm(fetchImpl, tokenUrl, { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }, newTraceId(), timeoutMs);
    const lifetimeMs = (response.expires_in ?? DEFAULT_TOKEN_LIFETIME_S) * 1000;
    cached = { token: response.access_token, refreshAt: Date.now() + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 10) };
    return response.access_token;
  };

  return {
    token(): string | Promise<string> {
      if (cached && Date.now() < cached.refreshAt) return cached.token;
      pending ??= fetchToken().finally(() => (pending = undefined));
      return pending;
    },
    /** Drops `token` after the server refused it (401); a newer token fetched meanwhile stays. */
    invalidate(token: string) {
      if (cached?.token === token) cached = undefined;
    },
  };
}

export interface AuthorizationRequestOptions {
  clientId: string;
  /** Where the dealer's browser returns with `?code=...&state=...`. */
  redirectUri: string;
  /** Default: a random value; compare it with the `state` the redirect brings back. */
  state?: string;
  scope?: string;
  /** Default: the spec's authorizationUrl. */
  authorizationUrl?: string;
}

export interface AuthorizationRequest {
  /** Send the dealer admin's browser here. */
  url: string;
  state: string;
  /** Keep it (server session) until the code comes back, then pass it to `exchangeAuthorizationCode`. */
  codeVerifier: string;
}

const base64Url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const randomToken = () => base64Url(crypto.getRandomValues(new Uint8Array(32)));

/** PKCE S256 challenge of a verifier (RFC 7636 §4.2). */
export async function pkceChallenge(codeVerifier: string): Promise<string> {
  return base64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(codeVerifier))));
}

/** Builds the authorization-code URL for `connectDealer`, with `state` and a PKCE S256 challenge. */
export async function createAuthorizationRequest(options: AuthorizationRequestOptions): Promise<AuthorizationRequest> {
  for (const key of ["clientId", "redirectUri"] as const) {
    if (typeof options[key] !== "string" || options[key] === "") throw new TypeError(`createAuthorizationRequest: ${key} must be a non-empty string.`);
  }
  const state = options.state ?? randomToken();
  const codeVerifier = randomToken();
  const url = new URL(options.authorizationUrl ?? defaultAuthorizationUrl);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    state,
    code_challenge: await pkceChallenge(codeVerifier),
    code_challenge_method: "S256",
    ...(options.scope ? { scope: options.scope } : {}),
  }).toString();
  return { url: url.toString(), state, codeVerifier };
}
