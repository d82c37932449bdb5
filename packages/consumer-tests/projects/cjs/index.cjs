// A CommonJS consumer of the published packages. `./operation.json` is written by the test from
// the bundled spec (see src/operation.ts).
const { existsSync } = require("node:fs");
const spec = require("@chekt/partner-api-spec/openapi.json");
const { createPartnerClient } = require("@chekt/partner-api-client");
// The mock package is ESM-only; Node 20.19+ can require() it (it has no top-level await).
const { startMockServer } = require("@chekt/partner-api-mock");
const { path, params, specExports } = require("./operation.json");

async function main() {
  const files = Object.fromEntries(specExports.map((subpath) => [subpath, existsSync(require.resolve(`@chekt/partner-api-spec/${subpath}`))]));
  const mock = await startMockServer({ port: 0 });
  try {
    const client = createPartnerClient({ baseUrl: mock.url, accessToken: "consumer-test-token" });
    const { data, error, response } = await client.GET(path, { params });
    console.log(JSON.stringify({ title: spec.info.title, files, status: response.status, hasData: data !== undefined, error }));
  } finally {
    await mock.close();
  }
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
