// Every ts snippet of the README runs against the mock, as a partner would paste it.
import { startMockServer } from "@chekt/partner-api-mock";
import { transform } from "esbuild";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const readme = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
const distUrl = pathToFileURL(fileURLToPath(new URL("../dist/index.js", import.meta.url))).href;

let mock: Awaited<ReturnType<typeof startMockServer>>;
const dir = mkdtempSync(join(tmpdir(), "readme-snippets-"));
beforeAll(async () => void (mock = await startMockServer({ port: 0, logLevel: "silent" })), 30_000);
afterAll(async () => {
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("README snippets", () => {
  it("has one per capability", () => expect(snippets.length).toBeGreaterThanOrEqual(6));

  snippets.forEach((source, index) => {
    it(`snippet ${index + 1} runs against the mock: ${source.split("\n").find((line) => line.startsWith("const") || line.startsWith("//"))}`, async () => {
      const { code } = await transform(source.replaceAll("http://127.0.0.1:4010", mock.url).replaceAll('"@chekt/partner-api-client"', JSON.stringify(distUrl)), { loader: "ts", format: "esm" });
      const file = join(dir, `snippet-${index + 1}.mjs`);
      writeFileSync(file, code);
      const log = vi.spyOn(console, "log").mockImplementation(() => {});
      try {
        await import(pathToFileURL(file).href);
        expect(log).toHaveBeenCalled();
      } finally {
        log.mockRestore();
      }
    }, 20_000);
  });
});
