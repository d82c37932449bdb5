// The client against the mock server (Prism serving the bundled spec): real HTTP, the spec's examples.
import { startMockServer } from "@chekt/partner-api-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PartnerApiError, createPartnerClient, type PartnerClient } from "../src/index.js";

let mock: Awaited<ReturnType<typeof startMockServer>>;
let client: PartnerClient;
const sent: Request[] = [];
beforeAll(async () => {
  mock = await startMockServer({ port: 0, logLevel: "silent" });
  client = createPartnerClient({
    baseUrl: `${mock.url}/`,
    auth: { clientId: "partner-client-id", clientSecret: "partner-client-secret" },
    maxRetryDelayMs: 20, // the mock's 429 example says Retry-After: 30
    fetch: (request, init) => (sent.push(request), fetch(request, init)),
  });
}, 30_000);
afterAll(async () => mock?.close());

describe("against the mock", () => {
  it("gets a client-credentials token from the mock's /oauth/token once and lists sites with it", async () => {
    const [{ data: sites }, { data: dealer }] = await Promise.all([client.listSites({ dealerId: 12345, query: { limit: 5 } }), client.getDealer({ dealerId: 12345 })]);
    expect(sites[0]).toMatchObject({ site_id: expect.any(Number), name: expect.any(String) });
    expect(dealer.dealer_id).toEqual(expect.any(Number));
    expect(sent.filter((request) => request.url.endsWith("/oauth/token"))).toHaveLength(1);
  });

  it("creates with a JSON body and deletes with a 204", async () => {
    const created = await client.createSite({ dealerId: 12345, body: { external_site_id: "s-1", name: "HQ", timezone: "Asia/Seoul" } }, { idempotencyKey: "key-1" });
    expect(created.response.status).toBe(201);
    const deleted = await client.deleteSite({ dealerId: 12345, siteId: created.data.site_id });
    expect([deleted.response.status, deleted.data]).toEqual([204, undefined]);
  });

  it("turns the mock's documented errors into PartnerApiError, retrying its 429s", async () => {
    const notFound = await client.getSite({ dealerId: 1, siteId: 2 }, { headers: { prefer: "code=404" } }).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(PartnerApiError);
    expect(notFound).toMatchObject({ status: 404, code: expect.any(String), traceId: expect.any(String) });
    const before = sent.length;
    const limited = await client.getSite({ dealerId: 1, siteId: 2 }, { headers: { prefer: "code=429" } }).catch((e: unknown) => e);
    expect(limited).toMatchObject({ status: 429 });
    expect(sent.length - before).toBe(3);
  });

  it("sends a 422 from the mock's validation back with the envelope's details", async () => {
    const error = (await client.createSite({ dealerId: 1, body: { external_site_id: "s", name: 42 as unknown as string, timezone: "Asia/Seoul" } }).catch((e: unknown) => e)) as PartnerApiError;
    expect(error.status).toBeGreaterThanOrEqual(400);
    expect(error.status).toBeLessThan(500);
    expect(error.message).toContain("createSite (POST /partner/v1/dealers/{dealerId}/sites) failed");
  });
});
