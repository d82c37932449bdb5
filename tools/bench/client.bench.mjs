#!/usr/bin/env node
// Calls per second through @chekt/partner-api-client (every feature on: client-credentials token,
// trace id, retries armed, timeout, error normalization) vs bare openapi-fetch vs a raw fetch,
// all with the same stubbed fetch in one run, so only client overhead is measured. The machines are
// shared and noisy, so the tasks run interleaved in many short rounds (rotating their order) and the
// report gives the median over rounds of each task's median latency, and ratios against bare openapi-fetch.
// Target (issue 3): the client at least 0.8x bare openapi-fetch.
import { createPartnerClient } from "@chekt/partner-api-client";
import createClient from "openapi-fetch";
import { Bench } from "tinybench";

const BASE_URL = "https://api.chekt.test";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 250);
const sitesJson = JSON.stringify([
  { site_id: 1, external_site_id: "1234567890", name: "Gangnam Headquarters", timezone: "Asia/Seoul", is_activated: 1, created_at: "2025-01-01 00:00:00" },
  { site_id: 2, external_site_id: "1234567891", name: "Gangnam Branch", timezone: "Asia/Seoul", is_activated: 1, created_at: "2025-01-02 00:00:00" },
]);
const tokenJson = JSON.stringify({ access_token: "bench-token", token_type: "Bearer", expires_in: 3600 });
const stubFetch = async (request) =>
  new Response(request.url.endsWith("/oauth/token") ? tokenJson : sitesJson, { status: 200, headers: { "content-type": "application/json" } });

const path = "/partner/v1/dealers/{dealerId}/sites";
const query = { filter: ["is_activated,1"], limit: 50 };
const bare = createClient({ baseUrl: BASE_URL, fetch: stubFetch, headers: { authorization: "Bearer bench-token" } });
const partner = createPartnerClient({ baseUrl: BASE_URL, fetch: stubFetch, auth: { clientId: "bench", clientSecret: "bench-secret" } });
const expectSites = (data) => {
  if (!Array.isArray(data) || data.length !== 2) throw new Error(`unexpected response: ${JSON.stringify(data)}`);
};

const tasks = {
  "raw fetch": async () => {
    const response = await stubFetch(
      new Request(`${BASE_URL}/partner/v1/dealers/12345/sites?filter=is_activated%2C1&limit=50`, { headers: { authorization: "Bearer bench-token", "x-partner-trace-id": crypto.randomUUID() } }),
    );
    expectSites(await response.json());
  },
  "bare openapi-fetch": async () => expectSites((await bare.GET(path, { params: { path: { dealerId: 12345 }, query } })).data),
  "partner client, operation method": async () => expectSites((await partner.listSites({ dealerId: 12345, query })).data),
  "partner client, path-based call": async () => expectSites((await partner.GET(path, { params: { path: { dealerId: 12345 }, query } })).data),
};
const baseline = "bare openapi-fetch";

const medians = Object.fromEntries(Object.keys(tasks).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  const bench = new Bench({ time: TIME_MS, warmupIterations: 200, throws: true });
  const names = Object.keys(tasks);
  for (const name of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) bench.add(name, tasks[name]);
  await bench.run();
  for (const task of bench.tasks) medians[task.name].push(task.result.latency.p50);
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const baselineMs = median(medians[baseline]);
console.log(`Node ${process.version}, ${ROUNDS} rounds of ${TIME_MS} ms per task, stubbed fetch (no network)\n`);
console.table(
  Object.entries(medians).map(([name, values]) => {
    const ms = median(values);
    return { task: name, "median latency (µs)": +(ms * 1000).toFixed(2), "calls/s (1/median)": Math.round(1000 / ms), [`vs ${baseline}`]: +(baselineMs / ms).toFixed(2) };
  }),
);
const ratio = baselineMs / median(medians["partner client, operation method"]);
console.log(`partner client (operation method) / bare openapi-fetch: ${ratio.toFixed(2)}x (target ≥ 0.80x): ${ratio >= 0.8 ? "met" : "NOT met"}`);
