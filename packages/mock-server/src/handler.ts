import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { envelope, invalidRequest, invalidTokenRequest, meaningful, withDeclaredNames, type ErrorReply, type Violation } from "./errors.js";
import type { Logger } from "./log.js";
import type { HttpOperation, OperationIndex, OperationInfo } from "./operations.js";
import { parsePrefer, type Preferences } from "./prefer.js";

/** A file the mock serves beside the API (docs page, spec), read once at start-up. */
export interface StaticFile {
  contentType: string;
  body: Buffer;
}

interface PrismOutput {
  statusCode: number;
  headers?: Record<string, string | number>;
  body?: unknown;
}
interface PrismError {
  name: string;
  status?: number;
  detail?: string;
}
type PrismResult = { _tag: "Right"; right: { output: PrismOutput; validations: { input: Violation[] } } } | { _tag: "Left"; left: PrismError };

export interface PrismInstance {
  request(input: unknown, operations: HttpOperation[], config?: unknown): () => Promise<PrismResult>;
}

export interface HandlerContext {
  prism: PrismInstance;
  index: OperationIndex;
  mockConfig: { dynamic: boolean; seed?: string };
  staticFiles: ReadonlyMap<string, StaticFile>;
  cors: boolean;
  bodyLimitBytes: number;
  log: Logger;
  /** Answers already computed for bodiless requests in example mode (see `answerCacheKey`). */
  answerCache: Map<string, Reply>;
}

const answerCacheSize = 1000;

const prismErrors = "https://stoplight.io/prism/errors#";
const jsonType = /^application\/(?:[\w.+-]+\+)?json\b/i;
// type "/" subtype, both RFC 9110 tokens; parameters are left to Prism, which is lenient with them.
const mediaType = /^\s*[!#$%&'*+.^_`|~\w-]+\/[!#$%&'*+.^_`|~\w-]+\s*(?:;|$)/;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

class RequestProblem extends Error {
  constructor(readonly reply: ErrorReply) {
    super(JSON.stringify(reply.body));
  }
}

export function createRequestHandler(context: HandlerContext) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const started = performance.now();
    handle(context, request, response).then(
      (reply) => {
        send(response, reply);
        context.log.request(request.method ?? "", request.url ?? "", reply.status, performance.now() - started, reply.status >= 400 ? errorSummary(reply.body) : undefined);
      },
      (error: unknown) => {
        // A bug in the mock, not in the request: say so, and keep serving.
        context.log.error(`${request.method} ${request.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        send(response, envelope(500, "mock_internal_error", "The mock server failed on this request; this is a bug in the mock, please report it with the request."));
      },
    );
  };
}

export interface Reply {
  status: number;
  headers?: Record<string, string | number>;
  body?: unknown;
  /** Ready-made bytes (static files), sent as they are. */
  raw?: StaticFile;
}

async function handle(context: HandlerContext, request: IncomingMessage, response: ServerResponse): Promise<Reply> {
  const method = (request.method ?? "GET").toUpperCase();
  if (context.cors) {
    // Credentials may only be allowed for an echoed origin: "*" with credentials is invalid CORS.
    response.setHeader("access-control-allow-origin", request.headers.origin ?? "*");
    if (request.headers.origin) {
      response.setHeader("access-control-allow-credentials", "true");
      // The answer now depends on the Origin: caches must not hand it to another origin.
      response.setHeader("vary", "origin");
    }
    response.setHeader("access-control-expose-headers", "*");
    if (method === "OPTIONS" && request.headers["access-control-request-method"]) {
      request.resume();
      return {
        status: 204,
        headers: {
          "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
          "access-control-allow-headers": request.headers["access-control-request-headers"] ?? "*",
          "access-control-max-age": 600,
          vary: "origin",
        },
      };
    }
  }

  // HTTP/1.1 servers must accept the absolute form of a target (GET http://host/path): keep its path.
  const rawUrl = (request.url ?? "/").replace(/^https?:\/\/[^/?#]*/i, "") || "/";
  const queryStart = rawUrl.indexOf("?");
  const pathname = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
  try {
    decodeURIComponent(pathname);
  } catch {
    request.resume();
    return envelope(400, "invalid_path", `The path ${JSON.stringify(pathname)} has a malformed percent-encoding: escape '%' as %25 and encode non-ASCII characters as UTF-8.`, "path");
  }

  const staticFile = context.staticFiles.get(pathname);
  if (staticFile && (method === "GET" || method === "HEAD")) {
    request.resume();
    return { status: 200, raw: staticFile };
  }

  try {
    const { operation, methods } = context.index.find(method, pathname);
    if (!operation) {
      request.resume();
      return methods.length === 0
        ? envelope(404, "route_not_found", `No operation of the spec matches ${pathname}. See /docs for the paths the mock serves.`)
        : envelope(405, "method_not_allowed", `${pathname} does not support ${method}; it supports ${methods.join(", ")}.`, undefined, { allow: methods.join(", ") });
    }
    const preferences = parsePrefer([request.headers.prefer ?? []].flat().join(","), (problem) => new RequestProblem(envelope(400, "invalid_prefer", problem, "Prefer")));
    const body = await readBody(request, context.bodyLimitBytes);
    return await answer(context, request, operation, pathname, rawUrl, queryStart, preferences, body);
  } catch (error) {
    request.resume();
    if (error instanceof RequestProblem) return error.reply;
    throw error;
  }
}

async function answer(
  context: HandlerContext,
  request: IncomingMessage,
  operation: OperationInfo,
  pathname: string,
  rawUrl: string,
  queryStart: number,
  preferences: Preferences,
  body: unknown,
): Promise<Reply> {
  const cacheKey = answerCacheKey(context, request, operation, rawUrl, preferences, body);
  const cached = cacheKey === undefined ? undefined : context.answerCache.get(cacheKey);
  if (cached) return cached;

  const headers = { ...request.headers };
  // A bodiless request's Content-Type describes nothing (clients often send it on GET and DELETE).
  if (body === undefined) delete headers["content-type"];
  const input = {
    method: operation.method.toLowerCase(),
    url: { path: pathname, query: queryOf(queryStart === -1 ? "" : rawUrl.slice(queryStart + 1)) },
    headers,
    body,
  };
  const config = {
    checkSecurity: true,
    validateRequest: true,
    // The mock answers from the spec itself; response validation would only cost time.
    validateResponse: false,
    errors: false,
    isProxy: false,
    upstreamProxy: undefined,
    mock: {
      ...context.mockConfig,
      ...(preferences.code === undefined ? {} : { code: preferences.code }),
      ...(preferences.example === undefined ? {} : { exampleKey: preferences.example }),
      ...(preferences.dynamic === undefined ? {} : { dynamic: preferences.dynamic }),
    },
  };
  // Only the operation found above: Prism's router otherwise matches every operation of the spec on
  // each request, which profiling showed to be most of Prism's time per request.
  const result = await context.prism.request(input, [operation.source], config)();
  if (result._tag === "Left") return prismFailure(result.left, operation, preferences);

  const violations = result.right.validations.input.filter((violation) => violation.severity === 0);
  if (violations.some((violation) => violation.code === 401)) {
    return envelope(
      401,
      "unauthorized",
      "Missing or malformed Authorization header: send 'Authorization: Bearer <token>'. The mock accepts any token; POST /oauth/token issues one.",
      "Authorization",
      { "www-authenticate": 'Bearer realm="CHeKT Partner API mock"' },
    );
  }
  if (violations.length > 0) {
    const readable = meaningful(violations).map((violation) => withDeclaredNames(violation, operation.parameterNames));
    return operation.isTokenEndpoint ? invalidTokenRequest(readable) : invalidRequest(readable, operation.documentedStatuses);
  }

  const { output } = result.right;
  if (operation.isTokenEndpoint && output.statusCode === 200 && isObject(output.body) && "access_token" in output.body) {
    // Each exchange issues a token of its own, as the real endpoint does.
    return { ...output, status: 200, body: { ...output.body, access_token: `mock-${randomUUID()}` } };
  }
  const reply: Reply = { status: output.statusCode, headers: output.headers, body: output.body };
  if (cacheKey !== undefined && reply.status < 300) remember(context.answerCache, cacheKey, serialized(reply));
  return reply;
}

/**
 * In example mode Prism's answer to a bodiless request depends only on the method, the URL and a
 * few headers, so it is computed once and replayed: profiling showed Prism's validate-and-mock
 * pipeline to be nearly all of the time per request. Undefined when the answer must be computed.
 */
function answerCacheKey(context: HandlerContext, request: IncomingMessage, operation: OperationInfo, rawUrl: string, preferences: Preferences, body: unknown): string | undefined {
  const dynamic = preferences.dynamic ?? context.mockConfig.dynamic;
  if (dynamic || body !== undefined || operation.isTokenEndpoint) return undefined;
  return [operation.method, rawUrl, ...operation.answerHeaders.map((name) => String(request.headers[name] ?? ""))].join("\n");
}

function remember(cache: Map<string, Reply>, key: string, reply: Reply): void {
  if (cache.size >= answerCacheSize) cache.delete(cache.keys().next().value!);
  cache.set(key, reply);
}

/** Prism refused to produce a response: a Prefer it cannot satisfy, or a route it does not know. */
function prismFailure(error: PrismError, operation: OperationInfo, preferences: Preferences): Reply {
  if (error.name === `${prismErrors}NOT_FOUND` && (preferences.code !== undefined || preferences.example !== undefined)) {
    const available = [...operation.examplesByStatus]
      .map(([status, names]) => (names.length > 0 ? `${status} (examples: ${names.join(", ")})` : status))
      .join("; ");
    const asked = [preferences.code === undefined ? "" : `code=${preferences.code}`, preferences.example === undefined ? "" : `example=${preferences.example}`].filter(Boolean).join(", ");
    return envelope(400, "invalid_prefer", `Prefer: ${asked} does not match a documented response of ${operation.operationId}. Documented: ${available}.`, "Prefer");
  }
  const status = error.status !== undefined && error.status >= 400 && error.status < 500 ? error.status : 500;
  return envelope(status, error.name.replace(prismErrors, "").toLowerCase(), error.detail ?? error.name);
}

function queryOf(search: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  const params = new URLSearchParams(search);
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length === 1 ? values[0]! : values;
  }
  return query;
}

/** Reads the body within the limit, decodes it as UTF-8 and parses JSON; undefined when empty. */
async function readBody(request: IncomingMessage, limit: number): Promise<unknown> {
  const tooLarge = () =>
    new RequestProblem(envelope(413, "payload_too_large", `The request body is larger than the mock's limit of ${limit} bytes. Send a smaller body, or raise bodyLimitBytes.`, "body", { connection: "close" }));
  const declared = Number(request.headers["content-length"]);
  if (declared > limit) {
    request.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        request.resume();
        throw tooLarge();
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof RequestProblem) throw error;
    // The client closed the connection mid-body: nobody is left to answer, but it is the client's doing.
    throw new RequestProblem(envelope(400, "incomplete_body", "The connection closed before the whole request body arrived.", "body"));
  }
  if (size === 0) return undefined;
  const contentType = request.headers["content-type"] ?? "";
  if (contentType && !mediaType.test(contentType)) {
    throw new RequestProblem(envelope(400, "invalid_content_type", `Content-Type ${JSON.stringify(contentType)} is not a media type: send type/subtype, e.g. application/json.`, "Content-Type"));
  }
  let text: string;
  try {
    text = strictUtf8.decode(Buffer.concat(chunks, size));
  } catch {
    throw new RequestProblem(envelope(400, "invalid_encoding", "The request body is not valid UTF-8. Encode the body as UTF-8.", "body"));
  }
  if (!jsonType.test(contentType)) return text;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RequestProblem(envelope(400, "invalid_json", `The request body is not valid JSON (${(error as Error).message}). Send a JSON document or correct the Content-Type.`, "body"));
  }
}

/** The reply with its body turned into bytes: JSON unless Prism produced text of another type. */
function serialized(reply: Reply): Reply {
  if (reply.raw || reply.body === undefined) return reply;
  const headers = Object.entries(reply.headers ?? {});
  const declaredType = headers.find(([name]) => name.toLowerCase() === "content-type")?.[1];
  const isText = typeof reply.body === "string";
  return {
    status: reply.status,
    headers: Object.fromEntries(headers.filter(([name]) => name.toLowerCase() !== "content-type")),
    raw: {
      contentType: isText ? String(declaredType ?? "text/plain") : "application/json",
      body: Buffer.from(isText ? (reply.body as string) : JSON.stringify(reply.body)),
    },
  };
}

function send(response: ServerResponse, reply: Reply): void {
  if (response.headersSent) return;
  const { status, headers, raw } = serialized(reply);
  for (const [name, value] of Object.entries(headers ?? {})) response.setHeader(name, value);
  response.statusCode = status;
  if (raw) {
    response.setHeader("content-type", raw.contentType);
    response.setHeader("content-length", raw.body.length);
  } else {
    response.removeHeader("content-type"); // Prism labels empty answers (204) text/plain
  }
  response.end(response.req.method === "HEAD" ? undefined : raw?.body);
}

function errorSummary(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const error = body.error;
  if (typeof error === "string") return `${error}: ${String(body.error_description ?? "")}`;
  return isObject(error) ? `${String(error.code)}: ${String(error.message)}` : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
