// Robustness: many generated malformed requests against one running mock (a child process, so a
// crash shows and its memory can be read). It must stay up, never answer 5xx to a client's mistake,
// and its memory must settle. The generator is seeded: a failure names the seed to replay it with.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { createRequire } from "node:module";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../bin/chekt-partner-mock.js", import.meta.url));
const spec = JSON.parse(readFileSync(createRequire(import.meta.url).resolve("@chekt/partner-api-spec/openapi.json"), "utf8")) as { paths: Record<string, object> };
const seed = Number(process.env.FUZZ_SEED ?? 20261203);
const rounds = 5;
const requestsPerRound = 2_000;
const rawPerRound = 40;
const concurrency = 8;
const oneMiB = 1024 * 1024;

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with FUZZ_SEED. */
function random(seedValue: number) {
  let state = seedValue >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

const rng = random(seed);
const specPaths = Object.keys(spec.paths);
const methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "PURGE"] as const;
const pathValues = ["1", "-1", "0", "abc", "1.5", "99999999999999999999999", "%E2%9C%93", "%F0%9F%98%80", "%00", "%E0%A4%A", "%", "..%2F..%2Fetc%2Fpasswd", "../../etc/passwd", "%2e%2e", "ü", "\u00e9", "%FF%FE", "x".repeat(3000)];
const contentTypes = ["application/json", "application/json; charset=utf-8", "application/x-www-form-urlencoded", "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/vnd.api+json", "garbage/", ""];
const prefers = ["code=404", "code=400", "code=abc", "code=999", "code=200", "example=nope", "example=", "dynamic=true", "dynamic=maybe", "foo=bar", "code=404, example=default", ";;;,,,", "code=401;dynamic=true"];

function jsonLike(depth = 0): unknown {
  const kind = rng.int(depth > 3 ? 4 : 7);
  if (kind === 0) return rng.int(1e6) - 5e5;
  if (kind === 1) return rng.pick(["", "x", "\u0000", "ü".repeat(50), "'; DROP TABLE sites; --", "2024-13-45T99:99:99Z"]);
  if (kind === 2) return rng.pick([null, true, false]);
  if (kind === 3) return rng.next();
  if (kind === 4) return Array.from({ length: rng.int(4) }, () => jsonLike(depth + 1));
  const keys = ["name", "external_site_id", "timezone", "grant_type", "client_id", "devices", "email", "unknown", "__proto__", "constructor"];
  return Object.fromEntries(Array.from({ length: rng.int(5) }, () => [rng.pick(keys), jsonLike(depth + 1)]));
}

function body(): Buffer | undefined {
  switch (rng.int(9)) {
    case 0:
      return undefined;
    case 1:
      return Buffer.from(rng.pick(['{"name": ', "{,}", "[1,2", "nul", '{"a":1}}', "\u0000", "{'single': 'quotes'}"]));
    case 2:
      return Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1]); // invalid UTF-8
    case 3:
      return Buffer.from(`${"[".repeat(5000)}${"]".repeat(5000)}`); // deep nesting
    case 4:
      return Buffer.from(Array.from({ length: rng.int(512) }, () => rng.int(256)));
    case 5:
      return Buffer.from("grant_type=client_credentials&client_id=%ZZ&client_secret=" + "s".repeat(rng.int(100)));
    default:
      return Buffer.from(JSON.stringify(jsonLike()));
  }
}

function path(): string {
  const template = rng.next() < 0.85 ? rng.pick(specPaths) : rng.pick(["/", "/partner", "/partner/v1/", "//partner//v1//dealers", "/docs/../openapi.json", "/oauth/token/extra"]);
  const filled = template.replace(/\{[^}]+\}/g, () => (rng.next() < 0.5 ? "1" : rng.pick(pathValues)));
  const query = rng.next() < 0.3 ? `?${rng.pick(["limit=x", "limit=-5", "offset=1e9", "dir=up", "filter=a", "filter=%ZZ", "fields=", "limit=1&limit=2", "__proto__[x]=1", "%"])}` : "";
  return filled + query;
}

interface Outcome {
  status: number;
  body: string;
}

function send(agent: Agent, port: number, method: string, target: string, headers: Record<string, string>, payload: Buffer | undefined): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path: target, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });
}

/** One generated request; oversized bodies are rare (they cost a megabyte each). */
function generated(): { method: string; target: string; headers: Record<string, string>; payload: Buffer | undefined } {
  const headers: Record<string, string> = {};
  if (rng.next() < 0.7) headers.authorization = rng.pick(["Bearer t", "Bearer ", "Basic dTpw", "bearer x", "Token x"]);
  const contentType = rng.pick(contentTypes);
  if (contentType) headers["content-type"] = contentType;
  if (rng.next() < 0.3) headers.prefer = rng.pick(prefers);
  if (rng.next() < 0.2) headers["x-partner-trace-id"] = rng.pick(["not-a-uuid", "550e8400-e29b-41d4-a716-446655440000", ""]);
  if (rng.next() < 0.1) headers.origin = "http://fuzz.example";
  const oversized = rng.next() < 0.003;
  return { method: rng.pick(methods), target: path(), headers, payload: oversized ? Buffer.alloc(oneMiB + 1, 0x20) : body() };
}

/** Requests no HTTP client library would send: the server's parser must turn them away politely. */
const rawRequests = [
  "GET /partner/v1/dealers/1 HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
  "POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
  "GARBAGE\r\n\r\n",
  "GET /\u0000 HTTP/1.1\r\n\r\n",
  `GET /partner/v1/dealers/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
  "GET /partner/v1/dealers/1 HTTP/9.9\r\nHost: x\r\n\r\n",
  "POST /partner/v1/dealers/1/sites HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nZZZ\r\n",
  "GET /partner/v1/dealers/1 HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
];

function sendRaw(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(text));
    let received = "";
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on("data", (chunk) => (received += chunk.toString("latin1")));
    socket.on("close", () => resolve(received));
    socket.on("error", () => resolve(received));
  });
}

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
}

let child: ChildProcess;
let port: number;
beforeAll(async () => {
  child = spawn(process.execPath, [bin, "--port", "0", "--log-level", "error"], { stdio: ["ignore", "pipe", "pipe"] });
  port = await new Promise<number>((resolve, reject) => {
    let stdout = "";
    child.stdout!.on("data", (chunk) => {
      stdout += chunk;
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`mock exited with ${code} before listening`)));
  });
});
afterAll(() => {
  child?.kill("SIGTERM");
});

const canReadRss = process.platform === "linux";

describe(`fuzzing one mock (seed ${seed})`, () => {
  it(`answers ${rounds * requestsPerRound} generated and ${rounds * rawPerRound} raw malformed requests without crashing or a 5xx, and its memory settles`, async () => {
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const statuses = new Map<number, number>();
    const serverErrors: string[] = [];
    const rssAfterRound: number[] = [];
    const rssBefore = canReadRss ? rssKiB(child.pid!) : 0;

    for (let round = 0; round < rounds; round += 1) {
      let issued = 0;
      const worker = async () => {
        while (issued < requestsPerRound) {
          issued += 1;
          const { method, target, headers, payload } = generated();
          let outcome: Outcome;
          try {
            outcome = await send(agent, port, method, target, headers, payload);
          } catch {
            // The server may close a connection on purpose (413, unparsable request); a dead server shows below.
            continue;
          }
          statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
          if (outcome.status >= 500 && serverErrors.length < 5) serverErrors.push(`${method} ${target} ${JSON.stringify(headers)} -> ${outcome.status} ${outcome.body.slice(0, 300)}`);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      for (let index = 0; index < rawPerRound; index += 1) {
        const answer = await sendRaw(port, rawRequests[index % rawRequests.length]!);
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
        if (status >= 500) serverErrors.push(`raw ${JSON.stringify(rawRequests[index % rawRequests.length]!.slice(0, 80))} -> ${answer.slice(0, 200)}`);
      }
      if (canReadRss) rssAfterRound.push(rssKiB(child.pid!));
    }
    agent.destroy();

    const answered = [...statuses.values()].reduce((sum, count) => sum + count, 0);
    const summary = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`).join(", ");
    console.log(`fuzz seed ${seed}: ${answered} answered (${summary}); RSS before ${(rssBefore / 1024).toFixed(1)} MiB, after each round ${rssAfterRound.map((kib) => (kib / 1024).toFixed(1)).join(" / ")} MiB`);

    expect(child.exitCode, `the mock exited: ${stderr}`).toBeNull();
    expect(serverErrors, `5xx answers (replay with FUZZ_SEED=${seed}):\n${serverErrors.join("\n")}\n${stderr}`).toEqual([]);
    expect(stderr, "the mock logged errors").toBe("");
    expect(answered).toBeGreaterThanOrEqual(rounds * requestsPerRound * 0.95);
    // Still serving a normal request after all that.
    expect((await fetch(`http://127.0.0.1:${port}/openapi.json`)).status).toBe(200);
    if (canReadRss) {
      // Settled: after the first round has warmed everything up, later rounds add no more than a
      // small allowance (a leak of a few kB per request would add tens of MiB over 8,000 requests).
      const growth = rssAfterRound[rssAfterRound.length - 1]! - rssAfterRound[0]!;
      expect(growth / 1024, `RSS grew ${(growth / 1024).toFixed(1)} MiB after warm-up`).toBeLessThan(48);
    }
  }, 300_000); // 10,200 requests: seconds on an idle machine, minutes on a loaded shared one; no speed claim here.
});
