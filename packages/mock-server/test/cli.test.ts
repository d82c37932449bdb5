import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../bin/chekt-partner-mock.js", import.meta.url));

function runCli(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 30_000 });
}

/** Like runCli, but leaves the event loop free (a test may hold a port open meanwhile). */
function runCliAsync(args: string[]): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.once("exit", (status) => resolve({ status, stderr })));
}

describe("chekt-partner-mock CLI", () => {
  it("prints usage with --help", () => {
    const result = runCli(["--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("--port <n>");
    expect(result.stdout).toContain("--dynamic");
  });

  it.each([
    [["--port", "abc"], '--port must be an integer from 0 to 65535, got "abc".'],
    [["--log-level", "loud"], '--log-level must be one of silent, error, warn, info, debug, got "loud".'],
    [["--seed", "1"], "--seed only applies to generated responses: add --dynamic."],
    [["--bogus"], "Unknown option '--bogus'"],
  ])("refuses %j with a one-line reason and exit 1", (args, message) => {
    const result = runCli(args);
    expect(result.status).toBe(1);
    expect(result.stderr.split("\n")[0]).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("prints the package version with --version", () => {
    const result = runCli(["--version"]);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version);
  });

  it("refuses a busy port with one line and exit 1", async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, "127.0.0.1", () => resolve((blocker.address() as { port: number }).port)));
    try {
      const result = await runCliAsync(["--port", String(port), "--log-level", "silent"]);
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`chekt-partner-mock: Port ${port} on 127.0.0.1 is already in use. Stop the process using it or choose another port (port 0 picks a free one).\n`);
    } finally {
      blocker.close();
    }
  });

  it("refuses an invalid spec with one line naming the file, and exit 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chekt-mock-cli-"));
    const file = join(dir, "broken.yaml");
    writeFileSync(file, "openapi: 3.1.0\ninfo: [not, an, object\n");
    try {
      const result = await runCliAsync(["--spec", file, "--port", "0"]);
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain(`Cannot load the OpenAPI description at ${file}`);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(["SIGTERM", "SIGINT"] as const)("serves on the given port, prints a banner with a curl example, and stops on %s", async (signal) => {
    const child = spawn(process.execPath, [bin, "--port", "0", "--log-level", "silent"], { stdio: ["ignore", "pipe", "pipe"] });
    try {
      let stdout = "";
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (chunk) => {
          stdout += chunk;
          const match = /listening on (http:\/\/\S+)/.exec(stdout);
          if (match) resolve(match[1]!);
        });
        child.on("exit", (code) => reject(new Error(`exited with ${code} before listening: ${stdout}`)));
      });
      expect(stdout).toMatch(/\(\d+ operations, example responses\)/);
      expect(stdout).toContain(`Docs: ${url}/docs`);
      expect(stdout).toContain(`Spec: ${url}/openapi.json, ${url}/openapi.yaml`);
      // The banner's example request must work as printed.
      const example = new RegExp(`curl -H 'Authorization: Bearer any-token' (${url}/\\S+)`).exec(stdout);
      expect(example, stdout).not.toBeNull();
      const response = await fetch(example![1]!, { headers: { authorization: "Bearer any-token" } });
      expect(response.status).toBe(200);
      const exitCode = await new Promise((resolve) => {
        child.once("exit", resolve);
        child.kill(signal);
      });
      expect(exitCode).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL"); // never leave a server behind
    }
  });
});
