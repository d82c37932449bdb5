import { PartnerApiError } from "./errors.js";
import type { FetchLike } from "./auth.js";

export const TRACE_ID_HEADER = "x-partner-trace-id";

export type CredentialFlow = "clientCredentials" | "authorizationCode";

/** A bearer token, or a function that returns the current one (asked again after a 401). */
export type AccessTokenSource = string | (() => string | Promise<string>);

/** Where a request gets its bearer token; `invalidate` drops a token the server refused. */
export interface Credential {
  /** A string when the token is at hand, so the hot path skips a promise tick. */
  token(): string | Promise<string>;
  /** False for a fixed string: asking again would give the same refused token. */
  refreshable: boolean;
  invalidate?(token: string): void;
}

export const credentialFrom = (source: AccessTokenSource): Credential =>
  typeof source === "function" ? { token: async () => source(), refreshable: true } : { token: () => source, refreshable: false };

export interface RetryOptions {
  /** Retries after the first attempt (default 2). 401 token refreshes do not count. */
  maxRetries?: number;
  /** Per attempt, until the response headers arrive (default 30 000). */
  timeoutMs?: number;
  /** First backoff step; doubles per retry, with jitter (default 250). */
  retryBaseDelayMs?: number;
  /** Cap on any wait between attempts, `Retry-After` included (default 30 000). */
  maxRetryDelayMs?: number;
}

export const defaultRetryOptions: Required<RetryOptions> = { maxRetries: 2, timeoutMs: 30_000, retryBaseDelayMs: 250, maxRetryDelayMs: 30_000 };

/** Methods a server may see twice without harm; POST and PATCH qualify only with an Idempotency-Key. */
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
/** 5xx that mean "try again"; 501 and 505 will not change on a retry. */
const RETRYABLE_5XX = new Set([500, 502, 503, 504]);

const timeoutReason = Symbol("timeout");
const traceIds = new WeakMap<Response, string>();

/** The `x-partner-trace-id` a response's request carried (for openapi-fetch style results). */
export const traceIdOf = (response: Response): string | undefined => traceIds.get(response);

/** Seconds or an HTTP date (RFC 9110 §10.2.3), as milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export interface TransportConfig {
  fetch: FetchLike;
  credentials: Partial<Record<CredentialFlow, Credential>>;
  retry: Required<RetryOptions>;
  newTraceId: () => string;
}

/** Per-call settings of one request on top of the client's. */
export interface SendOptions extends RetryOptions {
  /** The caller's abort signal: stops the request and any wait between retries. */
  signal?: AbortSignal;
  /** A fetch for this call only (openapi-fetch's per-request `fetch`). */
  fetch?: FetchLike;
  /** Overrides the client's credential for this call, e.g. a dealer user's token for connectDealer. */
  accessToken?: AccessTokenSource;
}

/**
 * The client's fetch: trace id, bearer token per the operation's flow, timeouts, retries with
 * backoff and `Retry-After`, and one token refresh on 401. The body is cloned per attempt so it can
 * be replayed.
 */
export function createTransport(config: TransportConfig) {
  return async function send(request: Request, flow: CredentialFlow | null, operation: string, call: SendOptions = {}, init?: RequestInit): Promise<Response> {
    const headers = request.headers;
    let traceId = headers.get(TRACE_ID_HEADER);
    if (traceId === null) headers.set(TRACE_ID_HEADER, (traceId = config.newTraceId()));
    const maxRetries = call.maxRetries ?? config.retry.maxRetries;
    const timeoutMs = call.timeoutMs ?? config.retry.timeoutMs;
    const retryBaseDelayMs = call.retryBaseDelayMs ?? config.retry.retryBaseDelayMs;
    const maxRetryDelayMs = call.maxRetryDelayMs ?? config.retry.maxRetryDelayMs;
    const hasOwnAuthorization = headers.has("authorization");
    const credential = flow === null || hasOwnAuthorization ? undefined : call.accessToken !== undefined ? credentialFrom(call.accessToken) : config.credentials[flow];
    // A client given no credential at all sends none (the server answers 401); one holding the wrong kind says so up front.
    if (flow !== null && !credential && !hasOwnAuthorization && Object.keys(config.credentials).length > 0) {
      throw new PartnerApiError({
        status: 0,
        code: "missing_credential",
        message: `${operation} needs a bearer token from the OAuth ${flow} flow, which the client does not hold: ${
          flow === "clientCredentials" ? "pass `auth: { clientId, clientSecret }` or `accessToken` to createPartnerClient" : "pass the dealer user's token as `{ accessToken }` in the call options (createAuthorizationRequest, then exchangeAuthorizationCode)"
        }.`,
        traceId,
      });
    }
    const retrySafe = IDEMPOTENT_METHODS.has(request.method) || headers.has("idempotency-key");
    const signal = call.signal;
    let refreshedAfter401 = false;

    for (let attempt = 0; ; attempt++) {
      let token = credential?.token();
      if (typeof token === "object") token = await token;
      if (token !== undefined) headers.set("authorization", `Bearer ${token}`);
      let response: Response;
      try {
        response = await fetchWithTimeout(call.fetch ?? config.fetch, request.body === null ? request : request.clone(), timeoutMs, signal, init);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const timedOut = error === timeoutReason;
        if (retrySafe && attempt < maxRetries) {
          await sleep(backoff(attempt, retryBaseDelayMs, maxRetryDelayMs), signal);
          continue;
        }
        throw new PartnerApiError({
          status: 0,
          code: timedOut ? "timeout" : "network_error",
          message: `${operation} ${timedOut ? `got no response within ${timeoutMs} ms` : `failed before a response arrived (${(error as Error)?.message ?? error})`} after ${attempt + 1} attempt(s) (trace id ${traceId}).${retrySafe ? "" : " Not retried: set an Idempotency-Key to make this write safe to retry."}`,
          traceId,
          cause: timedOut ? undefined : error,
        });
      }
      if (response.status === 401 && token !== undefined && credential?.refreshable && !refreshedAfter401) {
        refreshedAfter401 = true;
        credential.invalidate?.(token);
        await response.body?.cancel();
        attempt--;
        continue;
      }
      const delay = attempt < maxRetries ? retryDelay(response, attempt, retrySafe, retryBaseDelayMs, maxRetryDelayMs) : undefined;
      if (delay === undefined) {
        traceIds.set(response, traceId);
        return response;
      }
      await response.body?.cancel();
      await sleep(delay, signal);
    }
  };
}

/** Exponential backoff with equal jitter: half the step fixed, half random, so retries of many clients spread out. */
const backoff = (attempt: number, base: number, cap: number) => {
  const step = Math.min(cap, base * 2 ** attempt);
  return step / 2 + Math.random() * (step / 2);
};

/** How long to wait before retrying this response, or undefined when it must not be retried. */
function retryDelay(response: Response, attempt: number, retrySafe: boolean, base: number, cap: number): number | undefined {
  const { status } = response;
  // A 429 was refused before any work was done, so it is safe to repeat whatever the method.
  if (status !== 429 && !(retrySafe && RETRYABLE_5XX.has(status))) return undefined;
  const retryAfter = status === 429 || status === 503 ? parseRetryAfter(response.headers.get("retry-after")) : undefined;
  return retryAfter === undefined ? backoff(attempt, base, cap) : Math.min(retryAfter, cap);
}

/** Precision of timeouts: requests whose deadlines fall in the same slice share one abort signal and timer. */
const DEADLINE_SLICE_MS = 50;
const deadlines = new Map<number, AbortSignal>();

/**
 * An abort signal that fires `timeoutMs` from now (up to one slice late). Creating an
 * AbortController per request costs as much as the rest of the client together on Node 20, so
 * requests without a caller signal share them.
 */
function deadlineSignal(timeoutMs: number): AbortSignal {
  const slice = Math.ceil((Date.now() + timeoutMs) / DEADLINE_SLICE_MS);
  let signal = deadlines.get(slice);
  if (!signal) {
    const controller = new AbortController();
    signal = controller.signal;
    deadlines.set(slice, signal);
    const timer = setTimeout(() => {
      deadlines.delete(slice);
      controller.abort(timeoutReason);
    }, slice * DEADLINE_SLICE_MS - Date.now());
    // A pending deadline must not keep a Node process alive (Deno and browsers have no unref).
    (timer as { unref?: () => void }).unref?.();
  }
  return signal;
}

async function fetchWithTimeout(fetchImpl: FetchLike, request: Request, timeoutMs: number, callerSignal: AbortSignal | undefined, init: RequestInit | undefined): Promise<Response> {
  if (!callerSignal) {
    const signal = deadlineSignal(timeoutMs);
    try {
      return await fetchImpl(request, init ? { ...init, signal } : { signal });
    } catch (error) {
      throw signal.reason === timeoutReason ? timeoutReason : error;
    }
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(timeoutReason), timeoutMs);
  const onAbort = () => controller.abort(callerSignal.reason);
  callerSignal.addEventListener("abort", onAbort, { once: true });
  try {
    return await fetchImpl(request, { ...init, signal: controller.signal });
  } catch (error) {
    throw controller.signal.reason === timeoutReason ? timeoutReason : error;
  } finally {
    clearTimeout(timer);
    callerSignal.removeEventListener("abort", onAbort);
  }
}
