import openapiFetchDefault, { type Client, type ClientOptions } from "openapi-fetch";
import { clientCredentialsTokens, postTokenForm, type ClientCredentials, type FetchLike, type TokenResponse } from "./auth.js";
import { PartnerApiError, errorFromResponse } from "./errors.js";
import { defaultFlow, operationTable, tokenPath } from "./generated/operations.js";
import type { operations, paths } from "./generated/schema.js";
import { listQuery, serializeQuery, type ListQuery, type ListQueryInput } from "./query.js";
import { TRACE_ID_HEADER, createTransport, credentialFrom, defaultRetryOptions, traceIdOf, type AccessTokenSource, type CredentialFlow, type RetryOptions, type SendOptions } from "./transport.js";

// openapi-fetch's CommonJS build sets `exports.default` without `__esModule`, so in our CJS output
// Node-style interop hands over its whole exports object as the default import.
const createClient: typeof openapiFetchDefault =
  typeof openapiFetchDefault === "function" ? openapiFetchDefault : (openapiFetchDefault as unknown as { default: typeof openapiFetchDefault }).default;

// Every schema of the spec by name (Site, Dealer, ...), plus `paths`, `operations`, `components`.
export type * from "./generated/schema.js";
export { createAuthorizationRequest, pkceChallenge, type AuthorizationRequest, type AuthorizationRequestOptions, type ClientCredentials, type TokenResponse } from "./auth.js";
export { PartnerApiError, type PartnerErrorCode } from "./errors.js";
export { listQuery, serializeQuery, type Condition, type FilterOperator, type ListQuery, type ListQueryInput } from "./query.js";
export { TRACE_ID_HEADER, parseRetryAfter, traceIdOf, type AccessTokenSource, type RetryOptions } from "./transport.js";

export interface PartnerClientOptions extends Omit<ClientOptions, "baseUrl" | "querySerializer" | "fetch">, RetryOptions {
  /** API origin, optionally with a path prefix: https://api.chekt.com, or http://127.0.0.1:4010 for the mock. */
  baseUrl: string;
  /** Client credentials (server side only): tokens are fetched, cached and refreshed for you. */
  auth?: ClientCredentials;
  /**
   * Or tokens you manage yourself (works in browsers): a string or a function returning the current
   * one, sent on every operation that needs a token. A call's `{ accessToken }` overrides it.
   */
  accessToken?: AccessTokenSource;
  /**
   * `x-partner-trace-id` for each request: a fixed UUID, or a function returning one.
   * Default: a fresh random UUID per request. A trace id passed with a call wins.
   */
  traceId?: string | (() => string);
  fetch?: FetchLike;
}

export type OperationId = keyof typeof operationTable & keyof operations;
type Operation<Id extends OperationId> = operations[Id];
type Defined<T> = Exclude<T, undefined>;
type PathInput<Id extends OperationId> = [Defined<Operation<Id>["parameters"]["path"]>] extends [never] ? {} : Defined<Operation<Id>["parameters"]["path"]>;
type QueryParams<Id extends OperationId> = Defined<Operation<Id>["parameters"]["query"]>;
type QueryInput<Id extends OperationId> = [QueryParams<Id>] extends [never] ? {} : { query?: QueryParams<Id> };
type RequestBody<Id extends OperationId> = Defined<Operation<Id>["requestBody"]> extends { content: infer Content } ? Content[keyof Content] : never;
type BodyInput<Id extends OperationId> = [RequestBody<Id>] extends [never] ? {} : undefined extends Operation<Id>["requestBody"] ? { body?: RequestBody<Id> } : { body: RequestBody<Id> };

/** What an operation method takes: its path parameters, plus `query` and `body` where it has them. */
export type OperationInput<Id extends OperationId> = PathInput<Id> & QueryInput<Id> & BodyInput<Id>;

type Responses<Id extends OperationId> = Operation<Id>["responses"];
/** The body of the operation's 2xx response (undefined for 204). */
export type OperationData<Id extends OperationId> = {
  [Status in keyof Responses<Id>]: Status extends 200 | 201 | 202 | 204 ? (Responses<Id>[Status] extends { content: { "application/json": infer Data } } ? Data : undefined) : never;
}[keyof Responses<Id>];

/** Operations that return an array and page with `limit`/`offset`. */
export type ListOperationId = {
  [Id in OperationId]: OperationData<Id> extends readonly unknown[] ? ("limit" | "offset" extends keyof QueryParams<Id> ? Id : never) : never;
}[OperationId];
/** One item of a list operation's page (Site for listSites, ...). */
export type ListItem<Id extends ListOperationId> = OperationData<Id> extends readonly (infer Item)[] ? Item : never;

export interface CallOptions extends SendOptions {
  /** `x-partner-trace-id` for this call (default: the client's). */
  traceId?: string;
  /** Makes a POST or PATCH safe to retry; CHeKT replays the saved response for a repeated key. */
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

export interface OperationResult<Data> {
  data: Data;
  /** `x-partner-trace-id` the request carried. */
  traceId: string;
  response: Response;
}

export interface PaginateOptions extends CallOptions {
  /** Items per request (`limit`); default: the query's `limit`, else 100. */
  pageSize?: number;
  /** Stop after this many items. */
  maxItems?: number;
}

type OperationMethods = {
  [Id in OperationId]: (input: OperationInput<Id>, options?: CallOptions) => Promise<OperationResult<OperationData<Id>>>;
};

export interface CodeExchange {
  code: string;
  redirectUri: string;
  /** From createAuthorizationRequest. */
  codeVerifier: string;
}

export type PartnerClient = Client<paths, "application/json"> &
  OperationMethods & {
    /** Every item of a list operation, fetching page after page (`limit`/`offset`) until a short page. */
    paginate<Id extends ListOperationId>(operationId: Id, input: OperationInput<Id>, options?: PaginateOptions): AsyncGenerator<ListItem<Id>, void, undefined>;
    /** Typed `filter`/`fields`/`sort` for a list operation: columns are its items' property names. */
    listQuery<Id extends ListOperationId>(operationId: Id, input: ListQueryInput<ListItem<Id>>): ListQuery;
    /** Authorization-code grant: swaps the code from the dealer's redirect for a user token (for connectDealer). */
    exchangeAuthorizationCode(exchange: CodeExchange): Promise<TokenResponse>;
  };

/** Each operation with what a call needs, worked out once: `label` names it in errors. */
const operationsById = new Map(
  Object.entries(operationTable).map(([id, [method, path, flow, mediaType, jsonSuccesses]]) => [id, { method: method as "GET", path, flow, form: mediaType === "application/x-www-form-urlencoded", jsonSuccesses: jsonSuccesses as readonly number[], label: `${id} (${method} ${path})` }]),
);
const operationsByRoute = new Map([...operationsById.values()].map((operation) => [`${operation.method} ${operation.path}`, operation]));
const formSerializer = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** Creates a typed Partner API client: openapi-fetch path calls plus one method per operationId. */
export function createPartnerClient(options: PartnerClientOptions): PartnerClient {
  const { auth, accessToken, traceId, fetch: fetchOption, maxRetries, timeoutMs, retryBaseDelayMs, maxRetryDelayMs, ...clientOptions } = options;
  if (typeof clientOptions.baseUrl !== "string" || !/^https?:\/\/[^?#@/]+(\/[^?#]*)?$/i.test(clientOptions.baseUrl)) {
    // Shown without any user:password part, which is refused too (credentials go in auth/accessToken).
    const shown = typeof clientOptions.baseUrl === "string" ? clientOptions.baseUrl.replace(/\/\/[^/@]*@/, "//***@") : clientOptions.baseUrl;
    throw new TypeError(
      `createPartnerClient: baseUrl must be an http(s) URL without credentials, query or fragment, such as "https://api.chekt.com" (a path prefix is fine), got ${JSON.stringify(shown)}.`,
    );
  }
  if (auth !== undefined && (typeof auth?.clientId !== "string" || typeof auth.clientSecret !== "string" || !auth.clientId || !auth.clientSecret)) {
    throw new TypeError("createPartnerClient: auth needs a non-empty clientId and clientSecret (strings).");
  }
  if (auth && accessToken !== undefined) throw new TypeError("createPartnerClient: give either auth (client credentials) or accessToken, not both.");
  if (accessToken === "") throw new TypeError("createPartnerClient: accessToken is an empty string; pass the token, a function returning it, or leave it out.");
  const baseUrl = clientOptions.baseUrl.replace(/\/+$/, "");
  const fetchImpl: FetchLike = fetchOption ?? ((request, init) => globalThis.fetch(request, init));
  const newTraceId = typeof traceId === "function" ? traceId : traceId !== undefined ? () => traceId : () => crypto.randomUUID();
  const retry = { ...defaultRetryOptions };
  for (const [key, value] of Object.entries({ maxRetries, timeoutMs, retryBaseDelayMs, maxRetryDelayMs })) {
    if (value === undefined) continue;
    if (!(Number.isInteger(value) && value >= 0)) throw new TypeError(`createPartnerClient: ${key} must be a whole number of at least 0, got ${value}.`);
    retry[key as keyof RetryOptions] = value;
  }
  const tokenUrl = auth?.tokenUrl ?? `${baseUrl}${tokenPath}`;
  const credentials: Partial<Record<CredentialFlow, ReturnType<typeof credentialFrom>>> = {};
  if (auth) credentials.clientCredentials = { ...clientCredentialsTokens(auth, tokenUrl, fetchImpl, newTraceId, retry.timeoutMs), refreshable: true };
  // A caller-managed token source serves every flow; with client credentials, user-token operations need a per-call token.
  else if (accessToken !== undefined) credentials.clientCredentials = credentials.authorizationCode = credentialFrom(accessToken);
  const send = createTransport({ fetch: fetchImpl, credentials, retry, newTraceId });

  const core = createClient<paths, "application/json">({ ...clientOptions, baseUrl, querySerializer: serializeQuery });
  // Path-based calls go through the same transport, told which operation they are by their route.
  type PathInit = { signal?: AbortSignal; fetch?: FetchLike } | undefined;
  const viaTransport = (method: string, path: string, init: PathInit) => {
    const operation = operationsByRoute.get(`${method} ${path}`);
    // A path outside the spec (a cast, or a newer server) gets the spec's default credential.
    const route = operation ?? { flow: defaultFlow, label: `${method} ${path}` };
    const call = { signal: init?.signal ?? undefined, fetch: init?.fetch };
    return { ...init, fetch: (request: Request, requestInit?: RequestInit) => send(request, route.flow, route.label, call, requestInit) };
  };
  const pathMethods = Object.fromEntries(
    (["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"] as const).map((method) => [method, (path: string, init?: PathInit) => (core[method] as Function)(path, viaTransport(method, path, init))]),
  );
  const request = (method: string, path: string, init?: PathInit) => (core.request as Function)(method, path, viaTransport(method.toUpperCase(), path, init));

  async function callOperation(id: OperationId, input: Record<string, unknown>, call: CallOptions = {}): Promise<OperationResult<unknown>> {
    const { method, path, flow, form, jsonSuccesses, label } = operationsById.get(id)!;
    const { query, body, ...pathParams } = input ?? {};
    let headers: Record<string, string> | undefined;
    if (call.traceId || call.idempotencyKey || form || call.headers) {
      headers = { ...call.headers };
      if (call.traceId) headers[TRACE_ID_HEADER] = call.traceId;
      if (call.idempotencyKey) headers["idempotency-key"] = call.idempotencyKey;
      if (form) headers["content-type"] = "application/x-www-form-urlencoded";
    }
    const { data, error, response } = (await (core[method] as Function)(path, {
      params: { path: pathParams, query },
      body,
      headers,
      bodySerializer: form ? formSerializer : undefined,
      parseAs: "text",
      // Only when given: an undefined `signal` still costs the Request constructor a few µs.
      ...(call.signal ? { signal: call.signal } : {}),
      fetch: (request: Request, init?: RequestInit) => send(request, flow, label, call, init),
    })) as { data?: string; error?: unknown; response: Response };
    // The transport picked the trace id (the call's, the client's or a fresh one) and noted it on the response.
    const traceId = traceIdOf(response)!;
    if (!response.ok) throw errorFromResponse(response, error, traceId, label);
    let parsed: unknown;
    if (typeof data === "string" && data !== "") {
      try {
        parsed = JSON.parse(data);
      } catch {
        throw new PartnerApiError({ status: response.status, code: "invalid_response", message: `${label} answered ${response.status} with a body that is not JSON (see rawText; trace id ${traceId}).`, traceId, rawText: data });
      }
    } else if (jsonSuccesses.includes(response.status)) {
      // The spec promises a JSON body for this status: `data` must not silently be undefined.
      throw new PartnerApiError({ status: response.status, code: "invalid_response", message: `${label} answered ${response.status} with an empty body, but the spec documents a JSON body for it (trace id ${traceId}).`, traceId });
    }
    return { data: parsed, traceId, response };
  }

  const methods = {} as Record<string, (input: Record<string, unknown>, options?: CallOptions) => Promise<OperationResult<unknown>>>;
  for (const id of Object.keys(operationTable) as OperationId[]) methods[id] = (input, call) => callOperation(id, input, call);

  async function* paginate(id: ListOperationId, input: Record<string, unknown>, { pageSize, maxItems = Infinity, ...call }: PaginateOptions = {}) {
    const query = { ...(input.query as ListQuery | undefined) };
    const limit = pageSize ?? query.limit ?? 100;
    if (!(Number.isInteger(limit) && limit >= 1)) throw new TypeError(`paginate(${id}): pageSize must be an integer of at least 1, got ${limit}.`);
    let offset = query.offset ?? 0;
    let yielded = 0;
    while (yielded < maxItems) {
      const { data } = await callOperation(id, { ...input, query: { ...query, limit, offset } }, call);
      const page = Array.isArray(data) ? data : [];
      for (const item of page) {
        if (yielded++ >= maxItems) return;
        yield item;
      }
      if (page.length < limit) return;
      offset += page.length;
    }
  }

  return Object.assign({}, core, pathMethods, { request }, methods, {
    paginate,
    listQuery: (_id: ListOperationId, input: ListQueryInput<unknown>) => listQuery(input),
    async exchangeAuthorizationCode({ code, redirectUri, codeVerifier }: CodeExchange) {
      if (!auth) throw new TypeError("exchangeAuthorizationCode: the client needs auth: { clientId, clientSecret } to exchange a code.");
      for (const [key, value] of Object.entries({ code, redirectUri, codeVerifier })) {
        if (typeof value !== "string" || value === "") throw new TypeError(`exchangeAuthorizationCode: ${key} must be a non-empty string (from the redirect, and from createAuthorizationRequest for codeVerifier).`);
      }
      return postTokenForm(fetchImpl, tokenUrl, { grant_type: "authorization_code", client_id: auth.clientId, client_secret: auth.clientSecret, code, redirect_uri: redirectUri, code_verifier: codeVerifier }, newTraceId(), retry.timeoutMs);
    },
  }) as unknown as PartnerClient;
}

/** Normalises an openapi-fetch style `{ error, response }` from a path-based call into a PartnerApiError. */
export function toPartnerApiError(result: { error?: unknown; response: Response }): PartnerApiError {
  return errorFromResponse(result.response, result.error, traceIdOf(result.response) ?? "", `${result.response.url}`);
}
