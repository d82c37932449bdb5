import { describe, expectTypeOf, it } from "vitest";
import { createPartnerClient, type Dealer, type Site, type SiteCreate } from "../src/index.js";

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
