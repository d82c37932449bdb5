import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMockServer } from "@chekt/partner-api-mock";
import type { TestProject } from "vitest/node";
import { coverageSummary } from "../src/coverage.js";

declare module "vitest" {
  export interface ProvidedContext {
    mockUrl: string;
    coverageFile: string;
  }
}

/** One mock for the whole suite, started from the package as a consumer would. */
export default async function setup(project: TestProject) {
  const mock = await startMockServer({ port: 0, logLevel: "silent" });
  const dir = mkdtempSync(join(tmpdir(), "chekt-contract-"));
  const coverageFile = join(dir, "exercised.jsonl");
  project.provide("mockUrl", mock.url);
  project.provide("coverageFile", coverageFile);
  return async () => {
    await mock.close();
    console.log(`\n${coverageSummary(coverageFile)}\n`);
    rmSync(dir, { recursive: true, force: true });
  };
}
