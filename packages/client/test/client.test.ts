import { describe, expect, it } from "vitest";
import { PartnerApiError, createPartnerClient, serializeQuery, type PartnerClientOptions } from "../src/index.js";
import { clientFor, fakeServer, json } from "./helpers.js";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A client whose fetch records each request and answers with the given JSON. */
function recordingClient(options: Partial<PartnerClientOptions> = {}, body: unknown = []) {
  const requests: Request[] = [];
  const client = createPartnerClient({
    baseUrl: "https://api.example.test",
    fetch: async (request: Request) => {
      requests.push(request);
      return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
    },
    ...options,
  });
  return { client, requests };
}

describe("createPartnerClient", () => {
  it("sends a static bearer token on protected operations", async () => {
    const { client, requests } = recordingClient({ accessToken: "tok-123" });
    await client.GET("/partner/v1/dealers/{dealerId}/sites", { params: { path: { dealerId: 1 } } });
    expect(requests[0]!.headers.get("authorization")).toBe("Bearer tok-123");
  });

  it("asks a token function for the current token on every request", async () => {
    let calls = 0;
    const { client, requests } = recordingClient({ accessToken: async () => `tok-${++calls}` });
    await client.GET("/partner/v1/dealers/{dealerId}", { params: { path: { dealerId: 7 } } });
    await client.GET("/partner/v1/dealers/{dealerId}", { params: { path: { dealerId: 7 } } });
    expect(requests.map((r) => r.headers.get("authorization"))).toEqual(["Bearer tok-1", "Bearer tok-2"]);
  });

  it("sends no Authorization header to the token endpoint, whose spec security is empty", async () => {
    const { client, requests } = recordingClient({ accessToken: "tok-123" }, { access_token: "a", token_type: "Bearer" });
    await client.POST("/oauth/token", {
      body: { grant_type: "client_credentials", client_id: "id", client_secret: "secret" },
      bodySerializer: (body) => new URLSearchParams(body as Record<string, string>).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(requests[0]!.url).toBe("https://api.example.test/oauth/token");
    expect(requests[0]!.headers.has("authorization")).toBe(false);
  });

  it("gives each request a fresh UUID trace id by default", async () => {
    const { client, requests } = recordingClient();
    await client.GET("/partner/v1/dealers/{dealerId}", { params: { path: { dealerId: 1 } } });
    await client.GET("/partner/v1/dealers/{dealerId}", { params: { path: { dealerId: 1 } } });
    const [first, second] = requests.map((r) => r.headers.get("x-partner-trace-id"));
    expect(first).toMatch(uuid);
    expect(second).toMatch(uuid);
    expect(first).not.toBe(second);
  });

  it("uses the configured trace id, and a trace id given on the call wins over it", async () => {
    const configured = "550e8400-e29b-41d4-a716-123456789000";
    const perCall = "6f1c2c1e-8d1f-4d8e-9d44-2b8b7a0c9e11";
    const { client, requests } = recordingClient({ traceId: configured });
    await client.GET("/partner/v1/dealers/{dealerId}", { params: { path: { dealerId: 1 } } });
    await client.GET("/partner/v1/dealers/{dealerId}", { params: { path: { dealerId: 1 }, header: { "x-partner-trace-id": perCall } } });
    expect(requests.map((r) => r.headers.get("x-partner-trace-id"))).toEqual([configured, perCall]);
  });

  it("serialises list parameters as the spec declares: filter repeated, fields comma-joined", async () => {
    const { client, requests } = recordingClient();
    await client.GET("/partner/v1/dealers/{dealerId}/sites", {
      params: {
        path: { dealerId: 12345 },
        query: { fields: ["site_id", "name"], filter: ["is_activated,1", "created_at,2025-01-01,gte"], sort: "created_at", dir: "desc", limit: 50, offset: 100 },
      },
    });
    const url = new URL(requests[0]!.url);
    expect(url.searchParams.getAll("filter")).toEqual(["is_activated,1", "created_at,2025-01-01,gte"]);
    expect(url.searchParams.getAll("fields")).toEqual(["site_id,name"]);
    expect(url.search).toBe("?fields=site_id,name&filter=is_activated%2C1&filter=created_at%2C2025-01-01%2Cgte&sort=created_at&dir=desc&limit=50&offset=100");
  });

  it("leaves no stray ? or & for empty arrays and undefined values", async () => {
    const { client, requests } = recordingClient();
    await client.GET("/partner/v1/dealers/{dealerId}/sites", { params: { path: { dealerId: 1 }, query: { filter: [], fields: [], sort: undefined } } });
    expect(requests[0]!.url).toBe("https://api.example.test/partner/v1/dealers/1/sites");
  });

  it("rejects a baseUrl that is not an http(s) URL, saying what it got", () => {
    expect(() => createPartnerClient({ baseUrl: "api.chekt.com" })).toThrow(/baseUrl must be an http\(s\) URL.*"api\.chekt\.com"/);
    expect(() => createPartnerClient({ baseUrl: "https://api.chekt.com/prefix?x=1" })).toThrow(/without credentials, query or fragment.*"https:\/\/api\.chekt\.com\/prefix\?x=1"/);
    expect(() => createPartnerClient({ baseUrl: "HTTPS://API.CHEKT.COM" })).not.toThrow();
    expect(() => createPartnerClient({ baseUrl: "https://user:pass@api.chekt.com" })).toThrow(/without credentials.*"https:\/\/\*\*\*@api\.chekt\.com"/);
    expect(() => createPartnerClient({ baseUrl: "https://api.chekt.com", accessToken: "" })).toThrow(/accessToken is an empty string/);
  });
});

describe("known failure modes of generated clients", () => {
  it("percent-encodes path parameters", async () => {
    const { client, requests } = recordingClient({ accessToken: "t" });
    await client.getSite({ dealerId: "a/b c?#" as unknown as number, siteId: 2 });
    expect(requests[0]!.url).toBe("https://api.example.test/partner/v1/dealers/a%2Fb%20c%3F%23/sites/2");
  });

  for (const baseUrl of ["https://api.example.test", "https://api.example.test/", "https://gw.example.test/chekt", "https://gw.example.test/chekt/"]) {
    it(`joins baseUrl ${baseUrl} with paths without doubling or dropping slashes`, async () => {
      const { client, requests } = recordingClient({ baseUrl, accessToken: "t" });
      await client.getDealer({ dealerId: 1 });
      await client.GET("/partner/v1/dealers/{dealerId}", { params: { path: { dealerId: 1 } } });
      const expected = `${baseUrl.replace(/\/$/, "")}/partner/v1/dealers/1`;
      expect(requests.map((r) => r.url)).toEqual([expected, expected]);
    });
  }

  it("sends no Content-Type on requests without a body, and JSON on those with one", async () => {
    const server = fakeServer(() => new Response(null, { status: 204 }));
    const client = clientFor(server);
    await client.getSite({ dealerId: 1, siteId: 2 });
    await client.deleteSite({ dealerId: 1, siteId: 2 });
    await client.disconnectDealer({ dealerId: 1 });
    await client.updateSite({ dealerId: 1, siteId: 2, body: { name: "x" } });
    expect(server.requests.map((r) => r.request.headers.get("content-type"))).toEqual([null, null, null, "application/json"]);
  });

  it("sends header parameters: Idempotency-Key and trace id given as params", async () => {
    const { client, requests } = recordingClient({ accessToken: "t" });
    await client.DELETE("/partner/v1/dealers/{dealerId}/sites/{siteId}", {
      params: { path: { dealerId: 1, siteId: 2 }, header: { "Idempotency-Key": "key-7", "x-partner-trace-id": "6f1c2c1e-8d1f-4d8e-9d44-2b8b7a0c9e11" } },
    });
    expect(requests[0]!.headers.get("idempotency-key")).toBe("key-7");
    expect(requests[0]!.headers.get("x-partner-trace-id")).toBe("6f1c2c1e-8d1f-4d8e-9d44-2b8b7a0c9e11");
  });

  it("leaves no stray & when some query values are empty", async () => {
    const { client, requests } = recordingClient({ accessToken: "t" });
    await client.listSites({ dealerId: 1, query: { filter: [], fields: undefined, limit: 5, sort: undefined } });
    expect(requests[0]!.url).toBe("https://api.example.test/partner/v1/dealers/1/sites?limit=5");
  });

  for (const [name, reply] of [
    ["a 204", () => new Response(null, { status: 204 })],
    ["an empty 200 with Content-Length 0", () => new Response("", { status: 200, headers: { "content-length": "0" } })],
    ["an empty 200 without Content-Length", () => new Response("", { status: 200 })],
  ] as const) {
    it(`reads ${name} as no data, without a parse error`, async () => {
      const server = fakeServer(reply);
      const client = clientFor(server);
      expect((await client.deleteSite({ dealerId: 1, siteId: 2 })).data).toBeUndefined();
      expect((await client.GET("/partner/v1/dealers/{dealerId}", { params: { path: { dealerId: 1 } } })).data).toBeUndefined();
    });
  }

  it("refuses an empty 200 where the spec documents a JSON body, instead of typing undefined as the resource", async () => {
    const client = clientFor(fakeServer(() => new Response("", { status: 200, headers: { "content-type": "application/json" } })));
    const failure = await client.getDealer({ dealerId: 1 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PartnerApiError);
    expect(failure).toMatchObject({ status: 200, code: "invalid_response", message: expect.stringContaining("empty body, but the spec documents a JSON body") });
  });

  it("form-encodes the token operation's body as the spec declares", async () => {
    const server = fakeServer(() => json({ access_token: "a", token_type: "Bearer" }));
    await clientFor(server).requestToken({ body: { grant_type: "client_credentials", client_id: "id", client_secret: "s" } });
    const { request, body } = server.tokenRequests[0]!;
    expect(request.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
    expect(body).toBe("grant_type=client_credentials&client_id=id&client_secret=s");
  });
});

describe("option checks", () => {
  it("says what is wrong with auth, retry numbers and conflicting credentials", () => {
    const baseUrl = "https://api.example.test";
    expect(() => createPartnerClient({ baseUrl, auth: { clientId: "id" } as never })).toThrow(/auth needs a non-empty clientId and clientSecret/);
    expect(() => createPartnerClient({ baseUrl, maxRetries: -1 })).toThrow(/maxRetries must be a whole number of at least 0, got -1/);
    expect(() => createPartnerClient({ baseUrl, auth: { clientId: "a", clientSecret: "b" }, accessToken: "t" })).toThrow(/either auth .* or accessToken, not both/);
  });
});

describe("serializeQuery", () => {
  it("refuses object values instead of sending [object Object]", () => {
    expect(() => serializeQuery({ sort: { by: "name" } })).toThrow(/"sort" is an object/);
  });
});
