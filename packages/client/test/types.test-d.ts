import { describe, expectTypeOf, it } from "vitest";
import { createPartnerClient, type Dealer, type Device, type ListItem, type Site, type SiteCreate } from "../src/index.js";

const client = createPartnerClient({ baseUrl: "http://127.0.0.1:4010" });

describe("generated types", () => {
  it("exports schema types by name", () => {
    expectTypeOf<Site["site_id"]>().toEqualTypeOf<number>();
    expectTypeOf<Dealer["company_name"]>().toEqualTypeOf<string>();
    expectTypeOf<SiteCreate>().toHaveProperty("timezone");
  });

  it("types responses by path and method", async () => {
    const { data } = await client.GET("/partner/v1/dealers/{dealerId}/sites", { params: { path: { dealerId: 1 } } });
    expectTypeOf(data).toEqualTypeOf<Site[] | undefined>();
  });

  it("rejects unknown paths, missing path params and wrong body types at compile time", () => {
    // @ts-expect-error unknown path
    void client.GET("/partner/v1/nope");
    // @ts-expect-error dealerId is required
    void client.GET("/partner/v1/dealers/{dealerId}/sites", { params: { path: {} } });
    void client.POST("/partner/v1/dealers/{dealerId}/sites", {
      params: { path: { dealerId: 1 } },
      // @ts-expect-error timezone is required and name must be a string
      body: { external_site_id: "x", name: 42 },
    });
  });
});

describe("operation methods", () => {
  it("take path parameters, query and body from the spec and return the success body", async () => {
    const { data } = await client.listSites({ dealerId: 1, query: { limit: 10 } });
    expectTypeOf(data).toEqualTypeOf<Site[]>();
    const created = await client.createSite({ dealerId: 1, body: { external_site_id: "x", name: "n", timezone: "Asia/Seoul" } });
    expectTypeOf(created.data).toEqualTypeOf<Site>();
    expectTypeOf((await client.deleteSite({ dealerId: 1, siteId: 2 })).data).toEqualTypeOf<undefined>();
    expectTypeOf<ListItem<"listDevices">>().toEqualTypeOf<Device>();
    // @ts-expect-error siteId is required
    void client.getSite({ dealerId: 1 });
    // @ts-expect-error createSite needs a body
    void client.createSite({ dealerId: 1 });
    // @ts-expect-error getSite takes no query
    void client.getSite({ dealerId: 1, siteId: 2, query: { limit: 1 } });
  });

  it("check list query columns and operators against the items' properties", () => {
    client.listQuery("listSites", { where: [["is_activated", 1], ["name", "regex", "^A"]], fields: ["site_id"], sort: "created_at" });
    // @ts-expect-error no such column on Site
    client.listQuery("listSites", { where: [["nope", 1]] });
    // @ts-expect-error unknown operator
    client.listQuery("listSites", { where: [["name", "like", "x"]] });
    // @ts-expect-error is_activated is 0 or 1
    client.listQuery("listSites", { where: [["is_activated", 2]] });
    // @ts-expect-error getSite is not a list operation
    client.listQuery("getSite", {});
  });

  it("paginate yields the list's items", async () => {
    for await (const site of client.paginate("listSites", { dealerId: 1 })) expectTypeOf(site).toEqualTypeOf<Site>();
  });
});
