import createClient, { serializeArrayParam, serializePrimitiveParam, type Client, type ClientOptions, type Middleware } from "openapi-fetch";
import { arrayQueryStyles, operationSecurity } from "./generated/operations.js";
import type { paths } from "./generated/schema.js";

// Every schema of the spec by name (Site, Dealer, ...), plus `paths`, `operations`, `components`.
export type * from "./generated/schema.js";

/** A bearer token, or a function that returns the current one (called once per request). */
export type AccessTokenSource = string | (() => string | Promise<string>);

export interface PartnerClientOptions extends Omit<ClientOptions, "baseUrl" | "querySerializer"> {
  /** API origin, e.g. https://api.chekt.com or http://127.0.0.1:4010 for the mock. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` on every operation that requires auth. */
  accessToken?: AccessTokenSource;
  /**
   * `x-partner-trace-id` for each request: a fixed UUID, or a function returning one.
   * Default: a fresh random UUID per request. A trace id passed in a call's header params wins.
   */
  traceId?: string | (() => string);
}

export type PartnerClient = Client<paths, "application/json">;

export const TRACE_ID_HEADER = "x-partner-trace-id";

/** Creates a typed Partner API client (openapi-fetch) with bearer-token and trace-id middleware. */
export function createPartnerClient(options: PartnerClientOptions): PartnerClient {
  const { accessToken, traceId, ...clientOptions } = options;
  if (typeof clientOptions.baseUrl !== "string" || !/^https?:\/\//.test(clientOptions.baseUrl)) {
    throw new TypeError(`createPartnerClient: baseUrl must be an http(s) URL such as "https://api.chekt.com", got ${JSON.stringify(clientOptions.baseUrl)}.`);
  }
  const client = createClient<paths, "application/json">({ ...clientOptions, querySerializer: serializeQuery });
  client.use(traceIdMiddleware(traceId));
  if (accessToken !== undefined) client.use(bearerTokenMiddleware(accessToken));
  return client;
}

/** Sets `x-partner-trace-id` unless the call already carries one. */
export function traceIdMiddleware(traceId: PartnerClientOptions["traceId"]): Middleware {
  return {
    onRequest({ request }) {
      if (request.headers.has(TRACE_ID_HEADER)) return;
      request.headers.set(TRACE_ID_HEADER, typeof traceId === "function" ? traceId() : (traceId ?? crypto.randomUUID()));
      return request;
    },
  };
}

/** Adds the bearer token to operations whose spec security requires one. */
export function bearerTokenMiddleware(accessToken: AccessTokenSource): Middleware {
  return {
    async onRequest({ request, schemaPath }) {
      const schemes = operationSecurity[`${request.method} ${schemaPath}`];
      if (schemes?.length === 0 || request.headers.has("authorization")) return;
      const token = typeof accessToken === "function" ? await accessToken() : accessToken;
      request.headers.set("authorization", `Bearer ${token}`);
      return request;
    },
  };
}

/**
 * Query serialisation as the spec declares it per parameter (e.g. `filter` repeated, `fields`
 * comma-joined). Undefined values and empty arrays leave nothing behind.
 */
export function serializeQuery(query: Record<string, unknown> | undefined): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      if (value.length === 0) continue;
      parts.push(serializeArrayParam(name, value, { style: "form", explode: true, ...arrayQueryStyles[name] }));
    } else if (typeof value === "object") {
      throw new TypeError(`Query parameter "${name}" is an object; the Partner API takes only strings, numbers and arrays in the query.`);
    } else {
      parts.push(serializePrimitiveParam(name, String(value)));
    }
  }
  return parts.join("&");
}
