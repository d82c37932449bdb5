import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PartnerApiError, createAuthorizationRequest, createPartnerClient, pkceChallenge } from "../src/index.js";
import { BASE_URL, clientFor, fakeServer, hang, json, tokenResponse } from "./helpers.js";

const listSites = { dealerId: 1 } as const;

describe("client credentials", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(async () => {
    await vi.runOnlyPendingTimersAsync(); // shared timeout deadlines must not outlive the test
    vi.useRealTimers();
  });

  it("fetches a token with a form POST to the spec's token path on baseUrl and sends it as a bearer", async () => {
    const server = fakeServer(() => json([]));
    await clientFor(server, { baseUrl: `${BASE_URL}/gateway/` }).listSites(listSites);
    expect(server.tokenRequests).toHaveLength(1);
    const { request, body } = server.tokenRequests[0]!;
    expect(request.url).toBe(`${BASE_URL}/gateway/oauth/token`);
    expect(request.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(body))).toEqual({ grant_type: "client_credentials", client_id: "partner-id", client_secret: "partner-secret-value" });
    expect(server.requests[0]!.authorization).toBe("Bearer token-1");
  });

  it("uses tokenUrl when given", async () => {
    const server = fakeServer(() => json([]));
    await clientFor(server, { auth: { clientId: "a", clientSecret: "b", tokenUrl: "https://auth.example.test/token" } }).listSites(listSites);
    expect(server.tokenRequests[0]!.request.url).toBe("https://auth.example.test/token");
  });

  it("shares one token request among concurrent calls and caches the token", async () => {
    const server = fakeServer(() => json([]));
    const client = clientFor(server);
    await Promise.all([client.listSites(listSites), client.getDealer({ dealerId: 1 }), client.getSite({ dealerId: 1, siteId: 2 })]);
    await client.listSites(listSites);
    expect(server.tokenRequests).toHaveLength(1);
    expect(server.requests.map((r) => r.authorization)).toEqual(Array(4).fill("Bearer token-1"));
  });

  it("refreshes shortly before expires_in runs out (token expiry mid-run)", async () => {
    const server = fakeServer(() => json([]));
    const client = clientFor(server);
    await client.listSites(listSites);
    vi.advanceTimersByTime(3540_000 - 1); // 59 min: still inside the lifetime minus the 60 s margin
    await client.listSites(listSites);
    vi.advanceTimersByTime(1);
    await client.listSites(listSites);
    expect(server.requests.map((r) => r.authorization)).toEqual(["Bearer token-1", "Bearer token-1", "Bearer token-2"]);
  });

  it("on a 401 refreshes the token once and replays the request, body included", async () => {
    const server = fakeServer((_, index) => (index === 0 ? json({ error: { code: "invalid_token", message: "expired" } }, { status: 401 }) : json({ site_id: 1 }, { status: 201 })));
    const client = clientFor(server);
    const body = { external_site_id: "s-1", name: "HQ", timezone: "Asia/Seoul" };
    const { data } = await client.createSite({ dealerId: 1, body });
    expect(data).toEqual({ site_id: 1 });
    expect(server.tokenRequests).toHaveLength(2);
    expect(server.requests.map((r) => [r.authorization, r.body])).toEqual([
      ["Bearer token-1", JSON.stringify(body)],
      ["Bearer token-2", JSON.stringify(body)],
    ]);
  });

  it("gives up after one refresh when the server keeps answering 401", async () => {
    const server = fakeServer(() => json({ error: { code: "invalid_token", message: "no" } }, { status: 401 }));
    await expect(clientFor(server).listSites(listSites)).rejects.toMatchObject({ status: 401, code: "invalid_token" });
    expect(server.requests).toHaveLength(2);
    expect(server.tokenRequests).toHaveLength(2);
  });

  it("turns a failing token request into an error with the OAuth error code and description", async () => {
    const server = fakeServer(
      () => json([]),
      () => json({ error: "invalid_client", error_description: "Client authentication failed." }, { status: 401 }),
    );
    const error = await clientFor(server).listSites(listSites).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartnerApiError);
    expect(error).toMatchObject({ status: 401, code: "invalid_client" });
    expect((error as Error).message).toMatch(/Token request .* 401 .*invalid_client: Client authentication failed\./);
    expect(server.requests).toHaveLength(0);
  });

  it("gives up on a token endpoint that does not answer within timeoutMs", async () => {
    const server = fakeServer(() => json([]), () => hang);
    const call = clientFor(server, { timeoutMs: 5000 }).listSites(listSites).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await call).toMatchObject({ status: 0, code: "timeout", message: expect.stringMatching(/Token request .* no response within 5000 ms/) });
    expect(server.requests).toHaveLength(0);
  });

  it("rejects a token response without access_token, pointing at tokenUrl", async () => {
    const server = fakeServer(() => json([]), () => new Response("<html>login</html>", { status: 200 }));
    await expect(clientFor(server).listSites(listSites)).rejects.toMatchObject({ code: "invalid_response", message: expect.stringMatching(/without an access_token.*check tokenUrl/) });
  });
});

describe("credential per operation, from the spec's security requirements", () => {
  it("sends no token to the token endpoint and refuses connectDealer without a user token", async () => {
    const server = fakeServer(() => json({ dealer_id: 1 }));
    const client = clientFor(server);
    await client.requestToken({ body: { grant_type: "client_credentials", client_id: "x", client_secret: "y" } });
    expect(server.tokenRequests[0]!.request.headers.has("authorization")).toBe(false);
    const error = await client.connectDealer({ body: { external_dealer_id: "d-1", company_name: "ACME" } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "missing_credential", message: expect.stringMatching(/connectDealer .*authorizationCode.*\{ accessToken \}/) });
    expect(server.requests).toHaveLength(0);
  });

  it("sends the user's token on connectDealer and the client-credentials token elsewhere", async () => {
    const server = fakeServer(() => json({ dealer_id: 1 }));
    const client = clientFor(server);
    await client.connectDealer({ body: { external_dealer_id: "d-1", company_name: "ACME" } }, { accessToken: "user-token" });
    await client.getDealer({ dealerId: 1 });
    expect(server.requests.map((r) => r.authorization)).toEqual(["Bearer user-token", "Bearer token-1"]);
  });

  it("applies the same rules to path-based calls", async () => {
    const server = fakeServer(() => json({ dealer_id: 1 }));
    const client = clientFor(server);
    await client.GET("/partner/v1/dealers/{dealerId}", { params: { path: { dealerId: 1 } } });
    await expect(client.PUT("/partner/v1/dealers/connect", { body: { external_dealer_id: "d", company_name: "c" } })).rejects.toMatchObject({ code: "missing_credential" });
    expect(server.requests.map((r) => r.authorization)).toEqual(["Bearer token-1"]);
  });

  it("asks a caller-supplied token function again after a 401, and sends a fixed token only once", async () => {
    let calls = 0;
    const refusing = fakeServer((_, index) => (index === 0 ? json({}, { status: 401 }) : json([])));
    await createPartnerClient({ baseUrl: BASE_URL, fetch: refusing.fetch, accessToken: async () => `own-${++calls}` }).listSites(listSites);
    expect(refusing.requests.map((r) => r.authorization)).toEqual(["Bearer own-1", "Bearer own-2"]);

    const fixed = fakeServer(() => json({}, { status: 401 }));
    await expect(createPartnerClient({ baseUrl: BASE_URL, fetch: fixed.fetch, accessToken: "own" }).listSites(listSites)).rejects.toMatchObject({ status: 401 });
    expect(fixed.requests).toHaveLength(1);
  });
});

describe("authorization code with PKCE", () => {
  it("computes the S256 challenge of RFC 7636 appendix B", async () => {
    expect(await pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });

  it("builds the authorization URL from the spec with state and a challenge matching the verifier", async () => {
    const { url, state, codeVerifier } = await createAuthorizationRequest({ clientId: "partner-id", redirectUri: "https://partner.example/cb" });
    const parsed = new URL(url);
    expect(`${parsed.origin}${parsed.pathname}`).toBe("https://auth.chekt.com/oauth/authorize");
    expect(Object.fromEntries(parsed.searchParams)).toEqual({
      response_type: "code",
      client_id: "partner-id",
      redirect_uri: "https://partner.example/cb",
      state,
      code_challenge: await pkceChallenge(codeVerifier),
      code_challenge_method: "S256",
    });
    expect(codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(state).not.toBe((await createAuthorizationRequest({ clientId: "a", redirectUri: "https://b" })).state);
  });

  it("says which input is missing", async () => {
    await expect(createAuthorizationRequest({ clientId: "", redirectUri: "https://b" })).rejects.toThrow(/clientId must be a non-empty string/);
  });

  it("exchanges a code for a user token with the verifier", async () => {
    const server = fakeServer(() => json({}), () => tokenResponse("user-token"));
    const token = await clientFor(server).exchangeAuthorizationCode({ code: "abc", redirectUri: "https://partner.example/cb", codeVerifier: "verifier" });
    expect(token.access_token).toBe("user-token");
    expect(Object.fromEntries(new URLSearchParams(server.tokenRequests[0]!.body))).toEqual({
      grant_type: "authorization_code",
      client_id: "partner-id",
      client_secret: "partner-secret-value",
      code: "abc",
      redirect_uri: "https://partner.example/cb",
      code_verifier: "verifier",
    });
  });
});

describe("secrets", () => {
  it("never appear in errors, their stacks, causes, toString() or an inspected client", async () => {
    const secret = "partner-secret-value";
    const failures = [
      fakeServer(() => json([]), () => json({ error: "invalid_client" }, { status: 401 })),
      fakeServer(() => json([]), () => new TypeError("fetch failed")),
      fakeServer(() => new TypeError("socket hang up"), () => tokenResponse(secret.replace("secret", "token"))),
      fakeServer(() => new Response("<html>502</html>", { status: 502 })),
      // Token endpoints that echo what they were sent: in an OAuth description, and as plain text.
      fakeServer(() => json([]), () => json({ error: "invalid_client", error_description: `bad client ${secret}` }, { status: 401 })),
      fakeServer(() => json([]), () => async (request: Request) => new Response(await request.text(), { status: 400, headers: { "content-type": "text/plain" } })),
    ];
    for (const server of failures) {
      const client = clientFor(server, { maxRetries: 0 });
      const error = (await client.listSites(listSites).catch((e: unknown) => e)) as PartnerApiError;
      expect(error).toBeInstanceOf(PartnerApiError);
      const seen = [String(error), error.stack, inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), inspect(client, { depth: 10, showHidden: true }), String(client)].join("\n");
      expect(seen).not.toContain(secret);
      expect(seen).not.toContain("Bearer ");
    }
  });
});
