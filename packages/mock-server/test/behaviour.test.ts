// How the mock behaves like the real API, and how it reports a bad request. Operations are picked
// from the bundled spec by what they are (a secured GET, a JSON-body POST, the token endpoint), not by name.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockServer, type MockServer } from "../src/index.js";
import { mockServerGlobalSetup, mockUrlEnv, mockUrlKey } from "../src/vitest.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const require = createRequire(import.meta.url);
const spec = JSON.parse(readFileSync(require.resolve("@chekt/partner-api-spec/openapi.json"), "utf8")) as Json;
const operations = Object.entries(spec.paths as Json).flatMap(([path, item]) => Object.entries(item as Json).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation: operation as Json })));
const fill = (path: string) => path.replace(/\{[^}]+\}/g, "1");
// A GET on a path without PUT, so PUT there shows the 405.
const securedGet = operations.find(
  ({ method, path, operation }) => method === "GET" && path.includes("{") && operation.security === undefined && !operations.some((other) => other.path === path && other.method === "PUT"),
)!;
const jsonPost = operations.find(({ method, operation }) => method === "POST" && operation.requestBody?.content?.["application/json"])!;
const bodilessDelete = operations.find(({ method, operation }) => method === "DELETE" && !operation.requestBody)!;
const tokenPath = new URL(Object.values(spec.components.securitySchemes as Json).flatMap((scheme: Json) => Object.values(scheme.flows ?? {}) as Json[])[0]!.tokenUrl).pathname;
const auth = { authorization: "Bearer test-token" };
const bodyLimitBytes = 4096;

let mock: MockServer;
beforeAll(async () => {
  // Seeded, so that Prefer: dynamic=true generates the same data on every run.
  mock = await startMockServer({ port: 0, logLevel: "silent", bodyLimitBytes, seed: "behaviour" });
});
afterAll(() => mock?.close());

async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(`${mock.url}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? (JSON.parse(text) as Json) : undefined };
}

/** Sends raw bytes (for request forms fetch cannot produce) and returns the raw response. */
function rawRequest(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(mock.port, "127.0.0.1", () => socket.end(bytes));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });
}

const form = (fields: Record<string, string>) => ({ method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });

describe("token endpoint (the tokenUrl of the spec's OAuth flows)", () => {
  it("issues a fresh bearer token for client credentials", async () => {
    const first = await call(tokenPath, form({ grant_type: "client_credentials", client_id: "id", client_secret: "secret" }));
    const second = await call(tokenPath, form({ grant_type: "client_credentials", client_id: "id", client_secret: "secret" }));
    expect(first.status).toBe(200);
    expect(first.body).toEqual(expect.objectContaining({ access_token: expect.any(String), token_type: "Bearer" }));
    expect(second.body!.access_token).not.toBe(first.body!.access_token);
  });

  it("exchanges an authorization code", async () => {
    const result = await call(tokenPath, form({ grant_type: "authorization_code", client_id: "id", client_secret: "s", code: "abc", redirect_uri: "https://partner.example/cb" }));
    expect(result.status).toBe(200);
    expect(result.body!.access_token).toEqual(expect.any(String));
  });

  it("answers an unknown grant with RFC 6749 unsupported_grant_type", async () => {
    const result = await call(tokenPath, form({ grant_type: "password", client_id: "id", client_secret: "s" }));
    expect(result.status).toBe(400);
    expect(result.body).toEqual({ error: "unsupported_grant_type", error_description: expect.stringContaining("grant_type") });
  });

  it("answers missing fields with invalid_request naming each of them", async () => {
    const result = await call(tokenPath, form({ grant_type: "authorization_code", client_id: "id", client_secret: "s" }));
    expect(result.status).toBe(400);
    expect(result.body!.error).toBe("invalid_request");
    expect(result.body!.error_description).toContain("'code'");
    expect(result.body!.error_description).toContain("'redirect_uri'");
  });
});

describe("authentication", () => {
  it("answers 401 with the error envelope and a WWW-Authenticate challenge without a bearer token", async () => {
    const result = await call(fill(securedGet.path));
    expect(result.status).toBe(401);
    expect(result.headers.get("www-authenticate")).toMatch(/^Bearer /);
    expect(result.body).toEqual({ error: { code: "unauthorized", message: expect.stringContaining("Authorization: Bearer"), request_id: expect.any(String), field: "Authorization" } });
  });
});

describe("invalid requests", () => {
  it("lists every violation and names the first offending field (path before query)", async () => {
    const result = await call(`${securedGet.path.replace(/\{[^}]+\}/, "abc").replace(/\{[^}]+\}/g, "1")}`, { headers: { ...auth, "x-partner-trace-id": "not-a-uuid" } });
    expect(result.status).toBe(400);
    const firstParameter = /\{([^}]+)\}/.exec(securedGet.path)![1]!;
    expect(result.body!.error.field).toBe(firstParameter);
    expect(result.body!.error.message).toMatch(/^2 problems: /);
    expect(result.body!.error.message).toContain(`parameter ${firstParameter} must be integer`);
    expect(result.body!.error.message).toContain("x-partner-trace-id");
  });

  it("answers invalid JSON with 400 invalid_json", async () => {
    const result = await call(fill(jsonPost.path), { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: '{"name": ' });
    expect(result.status).toBe(400);
    expect(result.body!.error).toEqual(expect.objectContaining({ code: "invalid_json", field: "body" }));
  });

  it("answers a body that is not UTF-8 with 400 invalid_encoding", async () => {
    const result = await call(fill(jsonPost.path), { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) });
    expect(result.status).toBe(400);
    expect(result.body!.error.code).toBe("invalid_encoding");
  });

  it("answers a body over the limit with 413, whether Content-Length announces it or not", async () => {
    const oversized = JSON.stringify({ name: "x".repeat(bodyLimitBytes) });
    const announced = await call(fill(jsonPost.path), { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: oversized });
    expect(announced.status).toBe(413);
    expect(announced.body!.error).toEqual(expect.objectContaining({ code: "payload_too_large", message: expect.stringContaining(`${bodyLimitBytes} bytes`) }));
    const streamed = await call(fill(jsonPost.path), {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: new Blob([oversized]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it("accepts a bodiless DELETE and GET that carry Content-Type: application/json", async () => {
    const deleted = await call(fill(bodilessDelete.path), { method: "DELETE", headers: { ...auth, "content-type": "application/json" } });
    expect(deleted.status).toBeLessThan(300);
    const read = await call(fill(securedGet.path), { headers: { ...auth, "content-type": "application/json" } });
    expect(read.status).toBe(200);
  });

  it("answers an unknown path with 404 and a method the path lacks with 405 and Allow", async () => {
    const unknown = await call("/partner/v1/no-such-thing", { headers: auth });
    expect(unknown.status).toBe(404);
    expect(unknown.body!.error.code).toBe("route_not_found");
    const wrongMethod = await call(fill(securedGet.path), { method: "PUT", headers: auth });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toContain("GET");
    const absoluteForm = await rawRequest(`GET http://api.example.test${fill(securedGet.path)} HTTP/1.1\r\nhost: api.example.test\r\nauthorization: Bearer t\r\nconnection: close\r\n\r\n`);
    expect(absoluteForm).toMatch(/^HTTP\/1\.1 200 /);
    const hugeHeader = await rawRequest(`GET / HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(40_000)}\r\n\r\n`);
    expect(hugeHeader).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(hugeHeader.slice(hugeHeader.indexOf("\r\n\r\n") + 4)).error.code).toBe("headers_too_large");
    const trailingSlash = await call(`${fill(securedGet.path)}/`, { headers: auth });
    expect(trailingSlash.status).toBe(404);
    expect(trailingSlash.body!.error.code).toBe("route_not_found");
  });
});

describe("Prefer", () => {
  const documented = (status: string) => Object.keys(securedGet.operation.responses as Json).includes(status);

  it("code= selects a documented response", async () => {
    const status = Object.keys(securedGet.operation.responses as Json).find((code) => code.startsWith("4") && code !== "401")!;
    const result = await call(fill(securedGet.path), { headers: { ...auth, prefer: `code=${status}` } });
    expect(result.status).toBe(Number(status));
  });

  it("example= with an unknown name is refused with the names that exist", async () => {
    const result = await call(fill(securedGet.path), { headers: { ...auth, prefer: "example=no-such-example" } });
    expect(result.status).toBe(400);
    expect(result.body!.error).toEqual(expect.objectContaining({ code: "invalid_prefer", field: "Prefer", message: expect.stringContaining("examples: default") }));
  });

  it("code= with an undocumented status is refused with the documented ones", async () => {
    expect(documented("418")).toBe(false);
    const result = await call(fill(securedGet.path), { headers: { ...auth, prefer: "code=418" } });
    expect(result.status).toBe(400);
    expect(result.body!.error.message).toContain("Documented: 200");
  });

  it("dynamic=true generates a body instead of the example", async () => {
    const example = await call(fill(securedGet.path), { headers: auth });
    const generated = await call(fill(securedGet.path), { headers: { ...auth, prefer: "dynamic=true" } });
    expect(generated.status).toBe(200);
    expect(generated.text).not.toBe(example.text);
  });

  it.each(["code=abc", "dynamic=maybe", "colour=blue"])("refuses a malformed Prefer (%s) with a usage hint", async (prefer) => {
    const result = await call(fill(securedGet.path), { headers: { ...auth, prefer } });
    expect(result.status).toBe(400);
    expect(result.body!.error.message).toContain("Use Prefer: code=<status>");
  });
});

describe("docs and spec files", () => {
  it.each([
    ["/docs", "text/html"],
    ["/openapi.json", "application/json"],
    ["/openapi.yaml", "application/yaml"],
  ])("serves %s as %s", async (path, type) => {
    const response = await fetch(`${mock.url}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain(type);
    expect((await response.text()).length).toBeGreaterThan(1000);
  });

  it("reports where they are", () => {
    expect(mock.docsUrl).toBe(`${mock.url}/docs`);
    expect(mock.specUrls).toEqual([`${mock.url}/openapi.json`, `${mock.url}/openapi.yaml`]);
  });
});

describe("CORS", () => {
  it("answers a preflight, and not at all when turned off", async () => {
    const preflight = { method: "OPTIONS", headers: { origin: "http://app.example", "access-control-request-method": "POST" } };
    const on = await fetch(`${mock.url}${fill(jsonPost.path)}`, preflight);
    expect(on.status).toBe(204);
    expect(on.headers.get("access-control-allow-origin")).toBe("http://app.example");
    expect(on.headers.get("access-control-allow-credentials")).toBe("true");
    const echoed = await fetch(`${mock.url}${fill(securedGet.path)}`, { headers: { ...auth, origin: "http://app.example" } });
    expect(echoed.headers.get("vary")).toMatch(/origin/i);
    // Without an Origin the wildcard goes alone: "*" together with credentials is invalid CORS.
    const noOrigin = await fetch(`${mock.url}${fill(securedGet.path)}`, { headers: auth });
    expect(noOrigin.headers.get("access-control-allow-origin")).toBe("*");
    expect(noOrigin.headers.get("access-control-allow-credentials")).toBeNull();
    const closed = await startMockServer({ port: 0, logLevel: "silent", cors: false });
    try {
      const off = await fetch(`${closed.url}${fill(jsonPost.path)}`, preflight);
      expect(off.headers.get("access-control-allow-origin")).toBeNull();
      expect(off.status).toBe(405);
    } finally {
      await closed.close();
    }
  });
});

describe("another spec (specPath)", () => {
  const dir = mkdtempSync(join(tmpdir(), "chekt-mock-spec-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, paths: Json) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify({ openapi: "3.1.0", info: { title: "t", version: "1" }, paths }));
    return file;
  };
  const ping = { get: { operationId: "ping", responses: { "200": { description: "ok", content: { "application/json": { example: { pong: true } } } } } } };

  it("serves it, and the file itself at /openapi.json, with no docs page", async () => {
    const other = await startMockServer({ port: 0, logLevel: "silent", specPath: write("ping.json", { "/ping": ping }) });
    try {
      expect(other.operationCount).toBe(1);
      expect(await (await fetch(`${other.url}/ping`)).json()).toEqual({ pong: true });
      expect((await fetch(`${other.url}/openapi.json`)).status).toBe(200);
      expect(other.docsUrl).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it.each(["/openapi.json", "/docs"])("refuses a spec with an operation on %s, a path the mock reserves", async (reserved) => {
    await expect(startMockServer({ port: 0, specPath: write(`clash${reserved.replace(/\W/g, "-")}.json`, { [reserved]: ping }) })).rejects.toThrow(
      `defines an operation at ${reserved}, a path the mock reserves`,
    );
  });

  it("reports an unparsable spec on one line", async () => {
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "openapi: [unclosed");
    const failure = (await startMockServer({ port: 0, specPath: broken }).catch((error: Error) => error)) as Error;
    expect(failure.message).toMatch(/^Cannot load the OpenAPI description at .*broken\.yaml: /);
    expect(failure.message).not.toContain("\n");
  });
});

describe("options", () => {
  it.each([
    [{ logLevel: "loud" as never }, 'logLevel must be one of silent, error, warn, info, debug, got "loud".'],
  ])("refuses %j before starting", async (options, message) => {
    await expect(startMockServer({ port: 0, ...options })).rejects.toThrow(message);
  });
});

describe("vitest globalSetup helper", () => {
  it("starts a mock, provides its URL to tests and the environment, and stops it", async () => {
    const provided = new Map<string, unknown>();
    const teardown = await mockServerGlobalSetup()({ provide: (key, value) => provided.set(key, value) });
    const url = provided.get(mockUrlKey) as string;
    expect(process.env[mockUrlEnv]).toBe(url);
    expect((await fetch(`${url}/openapi.json`)).status).toBe(200);
    await teardown();
    await expect(fetch(`${url}/openapi.json`)).rejects.toThrow();
  });
});
