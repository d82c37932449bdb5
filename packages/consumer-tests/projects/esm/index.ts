// An ESM TypeScript consumer of the published packages, type-checked with tsc and then run.
// `./operation.js` is written by the test from the bundled spec (see src/operation.ts).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import spec from "@chekt/partner-api-spec/openapi.json" with { type: "json" };
import { createPartnerClient } from "@chekt/partner-api-client";
import { startMockServer } from "@chekt/partner-api-mock";
import { path, params, specExports } from "./operation.js";

const files = Object.fromEntries(
  specExports.map((subpath) => [subpath, existsSync(fileURLToPath(import.meta.resolve(`@chekt/partner-api-spec/${subpath}`)))]),
);
// With CHEKT_MOCK_URL set, call that running mock (the `chekt-partner-mock` binary) instead.
const mock = process.env.CHEKT_MOCK_URL ? { url: process.env.CHEKT_MOCK_URL, close: async () => {} } : await startMockServer({ port: 0 });
try {
  const client = createPartnerClient({ baseUrl: mock.url, accessToken: "consumer-test-token" });
  const { data, error, response } = await client.GET(path, { params });
  console.log(JSON.stringify({ title: spec.info.title, files, status: response.status, hasData: data !== undefined, error }));
} finally {
  await mock.close();
}
