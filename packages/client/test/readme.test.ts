// Every ts snippet of the README runs against the mock, as a partner would paste it.
import { startMockServer } from "@chekt/partner-api-mock";
import { transform } from "esbuild";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
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

  it("type-check against the built package, as a partner's project would", () => {
    // Inside the package, so "@chekt/partner-api-client" resolves to itself through its exports map.
    const checkDir = fileURLToPath(new URL("../.reports/readme-snippets/", import.meta.url));
    mkdirSync(checkDir, { recursive: true });
    const files = snippets.map((source, index) => {
      const file = join(checkDir, `snippet-${index + 1}.ts`);
      writeFileSync(file, `${source}\nexport {};\n`);
      return file;
    });
    const program = ts.createProgram(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, types: ["node"], skipLibCheck: true });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName.split("/").pop()}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    rmSync(checkDir, { recursive: true, force: true });
    expect(problems).toEqual([]);
  }, 60_000);

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
