#!/usr/bin/env node
// Mock server benchmark, all in one run (the machines are shared and noisy: only same-run ratios mean
// something):
//   1. start-up to the first answered request, CLI and programmatic (each a fresh Node process);
//   2. requests per second and p99 latency for one list GET, against a plain Node http server that
//      returns the same bytes (the ceiling). Servers run in their own process, autocannon in this one.
// `node mock.bench.mjs --serve <kind>` is the server side of step 2 (used by this file itself).
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import autocannon from "autocannon";

const require = createRequire(import.meta.url);
const mockPackageDir = dirname(require.resolve("@chekt/partner-api-mock/package.json"));
const cli = join(mockPackageDir, "bin", "chekt-partner-mock.js");
const mockEntry = pathToFileURL(require.resolve("@chekt/partner-api-mock")).href;
const listPath = "/partner/v1/dealers/1/sites";
const auth = { authorization: "Bearer bench" };
const startupRuns = Number(process.env.BENCH_STARTUP_RUNS ?? 5);
const loadRuns = Number(process.env.BENCH_LOAD_RUNS ?? 3);
const loadSeconds = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
const connections = 10;

/** Server side: prints its URL on stdout, then serves until killed. */
async function serve(kind) {
  const { startMockServer } = await import(mockEntry);
  if (kind === "plain") {
    // Record the mock's answer once, then replay exactly those bytes and headers.
    const mock = await startMockServer({ port: 0, logLevel: "silent" });
    const recorded = await fetch(`${mock.url}${listPath}`, { headers: auth });
    const body = Buffer.from(await recorded.arrayBuffer());
    const headers = Object.fromEntries([...recorded.headers].filter(([name]) => !["date", "connection", "keep-alive"].includes(name)));
    await mock.close();
    const server = createServer((request, response) => {
      request.resume();
      response.writeHead(200, headers);
      response.end(body);
    });
    server.listen(0, "127.0.0.1", () => console.log(`http://127.0.0.1:${server.address().port}`));
  } else {
    // "mock": the programmatic default log level; "mock-info": the CLI default (a line per request).
    const logLevel = kind === "mock-info" ? "info" : undefined;
    const devNull = new Writable({ write: (_chunk, _encoding, done) => done() });
    const mock = await startMockServer({ port: 0, ...(logLevel ? { logLevel, logStream: devNull } : {}) });
    console.log(mock.url);
  }
}

function spawnServer(kind) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--serve", kind], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout.once("data", (chunk) => resolve({ url: String(chunk).trim(), stop: () => child.kill() }));
    child.once("exit", (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

async function firstAnswer(url) {
  for (;;) {
    try {
      const response = await fetch(url, { headers: auth });
      await response.arrayBuffer();
      if (response.status === 200) return;
      throw new Error(`first request answered ${response.status}`);
    } catch (error) {
      if (error.message.startsWith("first request")) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** Spawn to first 200, CLI: the banner gives the URL, then we poll it. */
async function cliStartup() {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, "--port", "0", "--log-level", "silent"], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`CLI exited with ${code}: ${out}`)));
  });
  try {
    await firstAnswer(`${url}${listPath}`);
    return performance.now() - started;
  } finally {
    child.kill();
  }
}

/** Spawn to first 200, programmatic: a fresh process imports the package, starts it and calls it. */
async function programmaticStartup() {
  const script = `const started = performance.now();
    const { startMockServer } = await import(${JSON.stringify(mockEntry)});
    const mock = await startMockServer({ port: 0, logLevel: "silent" });
    const response = await fetch(mock.url + ${JSON.stringify(listPath)}, { headers: ${JSON.stringify(auth)} });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error("answered " + response.status);
    console.log(JSON.stringify({ sinceProcessStart: performance.now(), inScript: performance.now() - started }));
    await mock.close();`;
  const started = performance.now();
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  await new Promise((resolve, reject) => child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`)))));
  return { spawnToAnswer: performance.now() - started, ...JSON.parse(out) };
}

/** `distinct`: every request carries its own trace id, so none is answered from the mock's answer cache. */
function load(url, { distinct = false } = {}) {
  const requests = distinct ? [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, "x-partner-trace-id": randomUUID() } }) }] : undefined;
  return new Promise((resolve, reject) => {
    autocannon({ url: `${url}${listPath}`, headers: auth, connections, duration: loadSeconds, ...(requests ? { requests } : {}) }, (error, result) => {
      if (error) return reject(error);
      if (result.non2xx > 0 || result.errors > 0) return reject(new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`));
      resolve({ requestsPerSecond: result.requests.average, p99: result.latency.p99 });
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const ms = (value) => `${value.toFixed(0)} ms`;

async function main() {
  console.log(`Mock server benchmark: Node ${process.version}, ${startupRuns} start-ups each, ${loadRuns} x ${loadSeconds} s of load per server, ${connections} connections, GET ${listPath}`);

  const cliRuns = [];
  const programmaticRuns = [];
  for (let run = 0; run < startupRuns; run += 1) {
    cliRuns.push(await cliStartup());
    programmaticRuns.push(await programmaticStartup());
  }
  console.log("\nStart-up to the first answered request (median of runs; target < 2000 ms)");
  console.log(`  CLI (spawn -> 200):                      ${ms(median(cliRuns))}  [runs: ${cliRuns.map(ms).join(", ")}]`);
  console.log(`  programmatic (spawn -> 200):             ${ms(median(programmaticRuns.map((run) => run.spawnToAnswer)))}`);
  console.log(`  programmatic (import + start + request): ${ms(median(programmaticRuns.map((run) => run.inScript)))}`);

  // "mock-distinct" is the "mock" server, loaded with requests that all differ (cache misses).
  const kinds = ["plain", "mock", "mock-info", "mock-distinct"];
  const results = Object.fromEntries(kinds.map((kind) => [kind, []]));
  // Interleaved, so drift in the machine's load affects every server alike.
  for (let run = 0; run < loadRuns; run += 1) {
    for (const kind of kinds) {
      const server = await spawnServer(kind === "mock-distinct" ? "mock" : kind);
      try {
        await load(server.url, { distinct: kind === "mock-distinct" }).then((result) => results[kind].push(result));
      } finally {
        server.stop();
      }
    }
  }
  const ceiling = median(results.plain.map((result) => result.requestsPerSecond));
  console.log("\nThroughput, one list GET (median of runs; target >= 0.15x the plain server)");
  for (const [kind, label] of [
    ["plain", "plain Node http, same bytes (ceiling)"],
    ["mock", "mock, default logging (warn)"],
    ["mock-info", "mock, a log line per request (info)"],
    ["mock-distinct", "mock, every request different (no cache)"],
  ]) {
    const rps = median(results[kind].map((result) => result.requestsPerSecond));
    const p99 = median(results[kind].map((result) => result.p99));
    console.log(`  ${label.padEnd(40)} ${rps.toFixed(0).padStart(7)} req/s  p99 ${String(p99).padStart(4)} ms  ${(rps / ceiling).toFixed(3)}x`);
  }
}

if (process.argv[2] === "--serve") {
  await serve(process.argv[3]);
} else {
  await main();
}
