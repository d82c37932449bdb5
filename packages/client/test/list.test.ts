import { describe, expect, it } from "vitest";
import { createPartnerClient, listQuery, type Site } from "../src/index.js";
import { clientFor, fakeServer, json } from "./helpers.js";

describe("listQuery", () => {
  it("encodes conditions per the filter grammar, fields comma-joined by the serializer", async () => {
    const query = listQuery<Site>({ where: [["is_activated", 1], ["created_at", "gte", "2025-01-01"], ["name", "regex", "^Gang"]], fields: ["site_id", "name"], sort: "created_at", dir: "desc", limit: 50 });
    expect(query).toEqual({ filter: ["is_activated,1", "created_at,2025-01-01,gte", "name,^Gang,regex"], fields: ["site_id", "name"], sort: "created_at", dir: "desc", limit: 50 });
    const server = fakeServer(() => json([]));
    await clientFor(server).listSites({ dealerId: 1, query });
    const url = new URL(server.requests[0]!.request.url);
    expect(url.searchParams.getAll("filter")).toEqual(query.filter);
    expect(url.searchParams.getAll("fields")).toEqual(["site_id,name"]);
  });

  it("gives a value containing commas the explicit operator the grammar needs", () => {
    expect(listQuery<Site>({ where: [["name", "Smith, John"], ["address1", "neq", "a,b"]] }).filter).toEqual(["name,Smith, John,eq", "address1,a,b,neq"]);
  });

  it.each([
    [{ where: [["na,me", "x"]] }, /where\[0\] column must be a non-empty column name without commas.*"na,me"/],
    [{ where: [["name", "like", "x"]] }, /where\[0\] operator "like" is not one of eq, neq, lt, lte, gt, gte, regex/],
    [{ where: [["name", null]] }, /where\[0\] value for "name" must be a string or a finite number, got null/],
    [{ where: [["site_id", Number.NaN]] }, /got NaN/],
    [{ where: [["name"]] }, /where\[0\] must be \[column, value\] or \[column, operator, value\]/],
    [{ fields: ["site_id", "a,b"] }, /fields\[1\] must be a non-empty column name without commas/],
    [{ dir: "up" }, /dir must be "asc" or "desc", got "up"/],
    [{ limit: 0 }, /limit must be an integer of at least 1, got 0/],
    [{ offset: 1.5 }, /offset must be an integer of at least 0, got 1.5/],
  ])("refuses %j with a message saying where and why", (input, message) => {
    expect(() => listQuery<Site>(input as never)).toThrow(message);
  });

  it("is typed by the list operation's items", () => {
    const client = createPartnerClient({ baseUrl: "https://api.example.test" });
    expect(client.listQuery("listDevices", { where: [["zone_number", "eq", "3"]] })).toEqual({ filter: ["zone_number,3,eq"] });
  });
});

describe("paginate", () => {
  const rows = Array.from({ length: 7 }, (_, index) => ({ site_id: index + 1 }));
  const pagedServer = () =>
    fakeServer((request) => {
      const url = new URL(request.url);
      const offset = Number(url.searchParams.get("offset"));
      return json(rows.slice(offset, offset + Number(url.searchParams.get("limit"))));
    });

  it("walks limit/offset pages until a short page, keeping the other query parameters", async () => {
    const server = pagedServer();
    const seen: number[] = [];
    for await (const site of clientFor(server).paginate("listSites", { dealerId: 1, query: { filter: ["is_activated,1"] } }, { pageSize: 3 })) seen.push(site.site_id);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(server.requests.map((r) => new URL(r.request.url).search)).toEqual([
      "?filter=is_activated%2C1&limit=3&offset=0",
      "?filter=is_activated%2C1&limit=3&offset=3",
      "?filter=is_activated%2C1&limit=3&offset=6",
    ]);
  });

  it("stops on an empty page after full ones", async () => {
    const server = pagedServer();
    const seen = [];
    for await (const site of clientFor(server).paginate("listSites", { dealerId: 1 }, { pageSize: 7 })) seen.push(site);
    expect(seen).toHaveLength(7);
    expect(server.requests).toHaveLength(2);
  });

  it("stops at maxItems without fetching further pages", async () => {
    const server = pagedServer();
    const seen = [];
    for await (const site of clientFor(server).paginate("listSites", { dealerId: 1 }, { pageSize: 2, maxItems: 3 })) seen.push(site.site_id);
    expect(seen).toEqual([1, 2, 3]);
    expect(server.requests).toHaveLength(2);
  });

  it("starts at the query's offset and refuses a bad page size", async () => {
    const server = pagedServer();
    const seen = [];
    for await (const site of clientFor(server).paginate("listSites", { dealerId: 1, query: { offset: 5, limit: 10 } })) seen.push(site.site_id);
    expect(seen).toEqual([6, 7]);
    const pages = clientFor(server).paginate("listSites", { dealerId: 1 }, { pageSize: 0 });
    await expect(pages.next()).rejects.toThrow(/paginate\(listSites\): pageSize must be an integer of at least 1, got 0/);
  });
});
