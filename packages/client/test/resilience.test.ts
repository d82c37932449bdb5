import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PartnerApiError, parseRetryAfter, toPartnerApiError, traceIdOf } from "../src/index.js";
import { clientFor, fakeServer, hang, json } from "./helpers.js";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const site = { dealerId: 1, siteId: 2 } as const;
const newSite = { dealerId: 1, body: { external_site_id: "s-1", name: "HQ", timezone: "Asia/Seoul" } };
const tooMany = (retryAfter?: string) => json({ error: { code: "rate_limited", message: "slow down" } }, { status: 429, headers: retryAfter ? { "retry-after": retryAfter } : {} });
const failure = (status: number) => json({ error: { code: "server_error", message: "oops" } }, { status });

/** Starts a call, lets fake time run until it settles, and returns what it settled with. */
async function settle<T>(call: Promise<T>): Promise<{ value?: T; error?: PartnerApiError }> {
  const outcome = call.then((value) => ({ value }), (error: PartnerApiError) => ({ error }));
  await vi.runAllTimersAsync();
  return outcome;
}

beforeEach(() => void vi.useFakeTimers());
// Fire what is pending (shared timeout deadlines included) so no fake timer outlives its test.
afterEach(async () => {
  await vi.runOnlyPendingTimersAsync();
  vi.useRealTimers();
});

describe("trace id", () => {
  it("is a fresh UUID per call, sent and exposed on results and errors", async () => {
    const server = fakeServer((_, index) => (index < 2 ? json({ site_id: 2 }) : json({ error: { code: "not_found", message: "no" } }, { status: 404 })));
    const client = clientFor(server);
    const first = await client.getSite(site);
    const second = await client.getSite(site);
    const { error } = await settle(client.getSite(site));
    expect(first.traceId).toMatch(uuid);
    expect(second.traceId).not.toBe(first.traceId);
    expect(server.requests.map((r) => r.request.headers.get("x-partner-trace-id"))).toEqual([first.traceId, second.traceId, error!.traceId]);
    expect(error!.message).toContain(error!.traceId);
  });

  it("is the caller's when given per call or per client, and stays the same across retries", async () => {
    const server = fakeServer((_, index) => (index === 0 ? failure(503) : json({})));
    const client = clientFor(server, { traceId: "11111111-1111-4111-8111-111111111111" });
    const { value } = await settle(client.getSite(site, { traceId: "22222222-2222-4222-8222-222222222222" }));
    await client.getSite(site);
    expect(value!.traceId).toBe("22222222-2222-4222-8222-222222222222");
    expect(server.requests.map((r) => r.request.headers.get("x-partner-trace-id"))).toEqual([
      "22222222-2222-4222-8222-222222222222",
      "22222222-2222-4222-8222-222222222222",
      "11111111-1111-4111-8111-111111111111",
    ]);
  });

  it("is readable from path-based results with traceIdOf()", async () => {
    const server = fakeServer(() => json({}));
    const { response } = await clientFor(server).GET("/partner/v1/dealers/{dealerId}", { params: { path: { dealerId: 1 } } });
    expect(traceIdOf(response)).toBe(server.requests[0]!.request.headers.get("x-partner-trace-id"));
  });
});

describe("retries", () => {
  it("honours Retry-After in seconds through a sequence of 429s", async () => {
    const server = fakeServer((_, index) => (index < 2 ? tooMany("3") : json({ site_id: 2 })));
    const call = clientFor(server).getSite(site);
    await vi.advanceTimersByTimeAsync(2999);
    expect(server.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(3000);
    expect((await call).data).toEqual({ site_id: 2 });
  });

  it("honours Retry-After as an HTTP date, and caps it at maxRetryDelayMs", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("waits at most maxRetryDelayMs however long Retry-After is", async () => {
    const server = fakeServer((_, index) => (index === 0 ? tooMany(new Date(Date.now() + 3_600_000).toUTCString()) : json({})));
    const call = clientFor(server, { maxRetryDelayMs: 10_000 }).getSite(site);
    await vi.advanceTimersByTimeAsync(10_000);
    await call;
    expect(server.requests).toHaveLength(2);
  });

  it("retries a 429 on a POST without an Idempotency-Key: the request was refused, not processed", async () => {
    const server = fakeServer((_, index) => (index === 0 ? tooMany("1") : json({ site_id: 1 }, { status: 201 })));
    const { value } = await settle(clientFor(server).createSite(newSite));
    expect(value!.response.status).toBe(201);
    expect(server.requests.map((r) => r.body)).toEqual([JSON.stringify(newSite.body), JSON.stringify(newSite.body)]);
  });

  it("stops after maxRetries and reports the last response", async () => {
    const server = fakeServer(() => tooMany("1"));
    const { error } = await settle(clientFor(server).getSite(site));
    expect(server.requests).toHaveLength(3);
    expect(error).toMatchObject({ status: 429, code: "rate_limited" });
  });

  for (const [random, waits] of [
    [0, [500, 1000]],
    [0.998, [999, 1998]],
  ] as const) {
    it(`retries 5xx on idempotent methods with doubling, jittered backoff (random ${random}: waits ${waits})`, async () => {
      vi.spyOn(Math, "random").mockReturnValue(random);
      const server = fakeServer((_, index) => (index < 2 ? failure(500) : json({})));
      const call = clientFor(server, { retryBaseDelayMs: 1000 }).getSite(site);
      for (const [retry, wait] of waits.entries()) {
        await vi.advanceTimersByTimeAsync(wait - 1);
        expect(server.requests).toHaveLength(retry + 1);
        await vi.advanceTimersByTimeAsync(1);
        expect(server.requests).toHaveLength(retry + 2);
      }
      await call;
      vi.restoreAllMocks();
    });
  }

  it("does not retry a POST or PATCH after a 5xx or a network error, unless it carries an Idempotency-Key", async () => {
    for (const reply of [() => failure(503), () => new TypeError("fetch failed")]) {
      const server = fakeServer(reply);
      const client = clientFor(server);
      const { error } = await settle(client.createSite(newSite));
      expect(server.requests).toHaveLength(1);
      expect(error!.message).toMatch(reply() instanceof Error ? /Idempotency-Key/ : /503/);
      await settle(client.updateSite({ ...site, body: { name: "x" } }));
      expect(server.requests).toHaveLength(2);
      await settle(client.createSite(newSite, { idempotencyKey: "key-1" }));
      expect(server.requests).toHaveLength(5);
      expect(server.requests[4]!.request.headers.get("idempotency-key")).toBe("key-1");
    }
  });

  it("retries network errors on GET, then gives a network_error with the cause", async () => {
    const server = fakeServer(() => new TypeError("fetch failed"));
    const { error } = await settle(clientFor(server).getSite(site));
    expect(server.requests).toHaveLength(3);
    expect(error).toMatchObject({ status: 0, code: "network_error", message: expect.stringMatching(/failed before a response arrived \(fetch failed\) after 3 attempt/) });
    expect((error!.cause as Error).message).toBe("fetch failed");
  });

  it("takes per-call overrides of maxRetries", async () => {
    const server = fakeServer(() => failure(500));
    await settle(clientFor(server).getSite(site, { maxRetries: 0 }));
    expect(server.requests).toHaveLength(1);
  });
});

describe("timeouts and cancellation", () => {
  it("times out a slow response after timeoutMs (default 30 s) and retries it on GET", async () => {
    const server = fakeServer((_, index) => (index === 0 ? hang : json({ site_id: 2 })));
    const call = clientFor(server).getSite(site);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(server.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1 + 500);
    expect((await call).data).toEqual({ site_id: 2 });
  });

  it("reports a timeout as code timeout", async () => {
    const server = fakeServer(() => hang);
    const { error } = await settle(clientFor(server, { maxRetries: 0 }).getSite(site, { timeoutMs: 5000 }));
    expect(error).toMatchObject({ status: 0, code: "timeout", message: expect.stringMatching(/no response within 5000 ms/) });
  });

  it("stops at once when the caller aborts, during a request or a backoff wait, with the caller's reason", async () => {
    const hanging = fakeServer(() => hang);
    const controller = new AbortController();
    const call = clientFor(hanging).getSite(site, { signal: controller.signal });
    await vi.advanceTimersByTimeAsync(10);
    controller.abort(new Error("user went away"));
    await expect(call).rejects.toThrow("user went away");

    const failing = fakeServer(() => failure(503));
    const waiting = new AbortController();
    const retried = clientFor(failing).getSite(site, { signal: waiting.signal });
    await vi.advanceTimersByTimeAsync(10);
    waiting.abort(new Error("stop"));
    await expect(retried).rejects.toThrow("stop");
    expect(failing.requests).toHaveLength(1);
  });
  it("honours a signal given to a path-based call", async () => {
    const server = fakeServer(() => hang);
    const controller = new AbortController();
    const call = clientFor(server).GET("/partner/v1/dealers/{dealerId}", { params: { path: { dealerId: 1 } }, signal: controller.signal });
    await vi.advanceTimersByTimeAsync(10);
    controller.abort(new Error("cancelled by caller"));
    await expect(call).rejects.toThrow("cancelled by caller");
  });
});

describe("errors are normalized whatever the server sends", () => {
  const cases: [string, Response, Record<string, unknown>][] = [
    [
      "the error envelope",
      json({ error: { code: "validation_failed", message: "name is required", field: "name", request_id: "req-9" } }, { status: 422 }),
      { status: 422, code: "validation_failed", field: "name", requestId: "req-9", rawText: undefined },
    ],
    ["an HTML 502 page", new Response("<html><body>Bad Gateway</body></html>", { status: 502, headers: { "content-type": "text/html" } }), { status: 502, code: "http_502", rawText: "<html><body>Bad Gateway</body></html>" }],
    ["an empty body", new Response(null, { status: 404 }), { status: 404, code: "http_404", rawText: undefined }],
    ["invalid JSON", new Response('{"error": {"code": ', { status: 400, headers: { "content-type": "application/json" } }), { status: 400, code: "http_400", rawText: '{"error": {"code": ' }],
    ["JSON of another shape", json(["unexpected"], { status: 409 }), { status: 409, code: "http_409" }],
  ];
  for (const [name, response, expected] of cases) {
    it(`from ${name}`, async () => {
      const server = fakeServer(() => response.clone());
      const { error } = await settle(clientFor(server, { maxRetries: 0 }).getSite(site));
      expect(error).toBeInstanceOf(PartnerApiError);
      expect(error).toMatchObject({ ...expected, traceId: expect.stringMatching(uuid) });
      expect(error!.message).toMatch(new RegExp(`getSite \\(GET /partner/v1/dealers/\\{dealerId\\}/sites/\\{siteId\\}\\) failed with HTTP ${expected.status}`));
    });
  }

  it("a 2xx whose body is not JSON gives invalid_response with the raw text instead of a SyntaxError", async () => {
    const server = fakeServer(() => new Response("OK", { status: 200, headers: { "content-length": "2" } }));
    await expect(clientFor(server).getSite(site)).rejects.toMatchObject({ code: "invalid_response", rawText: "OK", status: 200 });
  });

  it("toPartnerApiError normalizes a path-based result", async () => {
    const server = fakeServer(() => new Response("<html>502</html>", { status: 502 }));
    const result = await clientFor(server, { maxRetries: 0 }).GET("/partner/v1/dealers/{dealerId}", { params: { path: { dealerId: 1 } } });
    expect(toPartnerApiError(result)).toMatchObject({ status: 502, code: "http_502", rawText: "<html>502</html>", traceId: traceIdOf(result.response) });
  });
});
