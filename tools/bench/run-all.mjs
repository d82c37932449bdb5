#!/usr/bin/env node
// Runs every *.bench.mjs in this folder, one after another (never in parallel: they would skew
// each other on a shared machine). `node run-all.mjs client` runs only files whose name contains "client".
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const files = readdirSync(here).filter((name) => name.endsWith(".bench.mjs") && (!only || name.includes(only))).sort();
if (files.length === 0) {
  console.error(`No benchmark matches "${only}". Available: ${readdirSync(here).filter((n) => n.endsWith(".bench.mjs")).join(", ")}`);
  process.exit(1);
}
let failed = false;
for (const file of files) {
  console.log(`\n# ${file}`);
  failed ||= spawnSync(process.execPath, [file], { cwd: here, stdio: "inherit" }).status !== 0;
}
process.exit(failed ? 1 : 0);
