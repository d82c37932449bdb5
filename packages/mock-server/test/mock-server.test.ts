import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../src/index.js";

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ port: 0, logLevel: "silent" });
});
afterAll(() => mock?.close());

describe("startMockServer", () => {
  it("listens on a free port when asked for port 0 and reports its URL", () => {
    expect(mock.port).toBeGreaterThan(0);
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
    expect(mock.operationCount).toBeGreaterThan(0);
  });

  it("answers a protected list operation with a JSON array when a bearer token is sent", async () => {
    const response = await fetch(`${mock.url}/partner/v1/dealers/1/sites`, { headers: { authorization: "Bearer t" } });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(Array.isArray(body)).toBe(true);
    expect(body[0]).toHaveProperty("site_id");
  });

  it("answers 401 with the error envelope when the bearer token is missing", async () => {
    const response = await fetch(`${mock.url}/partner/v1/dealers/1/sites`);
    expect(response.status).toBe(401);
    const body = await response.json();
    expect(body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  });

  it("answers the token endpoint without a bearer token", async () => {
    const response = await fetch(`${mock.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: "id", client_secret: "secret" }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(expect.objectContaining({ access_token: expect.any(String), token_type: "Bearer" }));
  });

  it("rejects a second server on the same port with a clear message", async () => {
    await expect(startMockServer({ port: mock.port, logLevel: "silent" })).rejects.toThrow(`Port ${mock.port} on 127.0.0.1 is already in use`);
  });

  it("rejects an invalid port before loading anything", async () => {
    await expect(startMockServer({ port: 70000 })).rejects.toThrow("port must be an integer from 0 to 65535, got 70000.");
  });

  it("names the file when the spec cannot be loaded", async () => {
    await expect(startMockServer({ port: 0, specPath: "/nonexistent/openapi.json" })).rejects.toThrow("Cannot load the OpenAPI description at /nonexistent/openapi.json");
  });

  it("closes, and a second close is harmless", async () => {
    const other = await startMockServer({ port: 0, logLevel: "silent" });
    await other.close();
    await other.close();
    await expect(fetch(`${other.url}/partner/v1/dealers/1`)).rejects.toThrow();
  });
});
