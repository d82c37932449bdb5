#!/usr/bin/env node
// Entry point behind `npm start` / `npm test` (and their pnpm twins). It must run on a machine
// that has only Node 20 and npm, so it uses nothing but Node built-ins: it brings in the pinned
// pnpm, installs the workspace, runs the turbo pipeline, then serves the mock or sums test results.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pinnedPnpm = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager; // "pnpm@x.y.z"
const pinnedPnpmVersion = pinnedPnpm.split("@")[1];
const summaryFile = join(root, ".reports", "test-summary.txt");

const env = {
  ...process.env,
  // Telemetry of every tool off; turbo does not read config files for this, only the env.
  TURBO_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
  REDOCLY_TELEMETRY: "off",
  NO_UPDATE_NOTIFIER: "1",
  // turbo runs package scripts with the pnpm binary it finds on PATH: the root devDependency.
  PATH: `${join(root, "node_modules", ".bin")}${process.platform === "win32" ? ";" : ":"}${process.env.PATH ?? ""}`,
};

const commands = {
  start: async () => {
    await turbo(["run", "lint", "bundle", "docs", "build"]);
    await serveUntilStopped(join(root, "packages", "mock-server", "bin", "chekt-partner-mock.js"), ["--port", "4010", "--host", "127.0.0.1"]);
  },
  build: () => turbo(["run", "lint", "bundle", "docs", "build"]),
  docs: async () => {
    await turbo(["run", "docs", "--filter", "@chekt/partner-api-spec"]);
    await serveUntilStopped(join(root, "spec", "scripts", "serve-docs.mjs"), process.argv.slice(3));
  },
  lint: () => turbo(["run", "lint"]),
  bench: async () => {
    await turbo(["run", "build"]);
    await run("pnpm", ["--filter", "@chekt/bench", "bench", ...process.argv.slice(3)]);
  },
  test: runTests,
};

const command = process.argv[2];
if (!(command in commands)) {
  console.error(`Unknown command "${command ?? ""}". Use one of: ${Object.keys(commands).join(", ")}.`);
  process.exit(2);
}
// A summary from an earlier run must never stand for this one, even if this one fails to install.
if (command === "test") rmSync(summaryFile, { force: true });
try {
  ensureInstalled();
  await commands[command]();
} catch (error) {
  console.error(`\n${error.message}`);
  process.exit(typeof error.exitCode === "number" ? error.exitCode : 1);
}

/** The pnpm command to use: the one running us, one on PATH with the pinned version, or npx. */
function pnpmCommand() {
  const agent = process.env.npm_config_user_agent ?? "";
  if (agent.startsWith(`pnpm/${pinnedPnpmVersion} `) && process.env.npm_execpath) {
    return [process.execPath, process.env.npm_execpath];
  }
  const onPath = spawnSync("pnpm", ["--version"], { encoding: "utf8", shell: process.platform === "win32" });
  if (onPath.status === 0 && onPath.stdout.trim() === pinnedPnpmVersion) return ["pnpm"];
  return ["npx", "--yes", pinnedPnpm];
}

function ensureInstalled() {
  const [bin, ...args] = pnpmCommand();
  console.log(`> ${[bin === process.execPath ? "pnpm" : bin, ...args.filter((a) => a !== process.env.npm_execpath)].join(" ")} install`);
  const result = spawnSync(bin, [...args, "install"], {
    cwd: root,
    env,
    stdio: "inherit",
    shell: process.platform === "win32",
  });
  if (result.status !== 0) {
    throw Object.assign(new Error(`Installing the workspace with ${pinnedPnpm} failed (exit ${result.status}). See the pnpm output above.`), {
      exitCode: result.status ?? 1,
    });
  }
}

function run(bin, args, { allowFailure = false } = {}) {
  console.log(`> ${bin} ${args.join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: root, env, stdio: "inherit", shell: process.platform === "win32" });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      const exitCode = code ?? (signal ? 128 : 1);
      if (exitCode === 0 || allowFailure) resolve(exitCode);
      else reject(Object.assign(new Error(`${bin} ${args.join(" ")} failed (exit ${exitCode}).`), { exitCode }));
    });
  });
}

function turbo(args, options) {
  return run("turbo", args, options);
}

/** Runs a Node server script in the foreground until it exits or we are told to stop. */
async function serveUntilStopped(script, args) {
  const child = spawn(process.execPath, [script, ...args], { cwd: root, env, stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  // `npm start` runs us under `sh -c`; a SIGTERM to npm kills that shell without forwarding the
  // signal, leaving us orphaned with the port held. Notice the re-parenting and stop the server.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) child.kill("SIGTERM");
  }, 1000).unref();
  const code = await new Promise((resolve) => child.on("exit", (c) => resolve(c ?? 0)));
  process.exit(code);
}

/** Workspace packages that define a `test` script, as pnpm sees the workspace. */
function testedPackages() {
  const [bin, ...args] = pnpmCommand();
  const listed = spawnSync(bin, [...args, "ls", "--recursive", "--depth", "-1", "--json"], { cwd: root, env, encoding: "utf8" });
  if (listed.status !== 0) throw new Error(`Listing the workspace packages failed: ${listed.stderr}`);
  return JSON.parse(listed.stdout)
    .map((pkg) => pkg.path)
    .filter((dir) => dir !== root && JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).scripts?.test);
}

async function runTests() {
  const packages = testedPackages();
  // Reports from an earlier run must not be counted; turbo restores them from its cache on a hit.
  for (const dir of packages) rmSync(join(dir, ".reports"), { recursive: true, force: true });
  // Two tasks at a time on these 2-core machines: more only makes the suites (mocks, browser, npm
  // installs) contend for CPU and stretch their start-up past hook timeouts.
  const turboExit = await turbo(["run", "test", "--continue", "--concurrency=2"], { allowFailure: true });

  let passed = 0;
  let failed = 0;
  for (const dir of packages) {
    const report = join(dir, ".reports", "vitest.json");
    const name = relative(root, dir);
    if (!existsSync(report)) {
      // The package's tests never ran (a build or type error before them): count it as a failure.
      console.error(`${name}: no test report; its test task failed before running tests.`);
      failed += 1;
      continue;
    }
    const result = JSON.parse(readFileSync(report, "utf8"));
    // A test file that fails to load, or whose setup (beforeAll) throws, fails without any failed
    // test (none ran, or all were skipped): count each such file as one failure.
    const brokenFiles = result.testResults.filter(
      (file) => file.status === "failed" && !file.assertionResults.some((test) => test.status === "failed"),
    ).length;
    passed += result.numPassedTests;
    failed += result.numFailedTests + brokenFiles;
    console.log(`${name}: ${result.numPassedTests} passed, ${result.numFailedTests + brokenFiles} failed`);
  }
  const line = `${passed} passed, ${failed} failed`;
  mkdirSync(dirname(summaryFile), { recursive: true });
  writeFileSync(summaryFile, `${line}\n`);
  console.log(line);
  if (turboExit !== 0 || failed > 0) {
    throw Object.assign(new Error(`Tests failed (turbo exit ${turboExit}, ${failed} failed).`), { exitCode: turboExit || 1 });
  }
}
