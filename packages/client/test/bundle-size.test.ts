// The runtime budget: what a bundler ships of this package (openapi-fetch included), minified and
// gzipped, excluding types. Bundled for the browser, so a Node-only import would also fail here.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { expect, it } from "vitest";

const BUDGET_BYTES = 10 * 1024;

it(`bundles for the browser within ${BUDGET_BYTES / 1024} kB min+gzip`, async () => {
  const { outputFiles } = await build({
    entryPoints: [fileURLToPath(new URL("../dist/index.js", import.meta.url))],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  const gzipped = gzipSync(outputFiles[0]!.contents, { level: 9 }).length;
  console.log(`@chekt/partner-api-client runtime: ${outputFiles[0]!.contents.length} B minified, ${gzipped} B min+gzip (budget ${BUDGET_BYTES} B)`);
  expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
});
