import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../bin/chekt-partner-mock.js", import.meta.url));

function runCli(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 30_000 });
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

  it("serves on the given port, prints a banner with a curl example, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [bin, "--port", "0", "--log-level", "silent"], { stdio: ["ignore", "pipe", "pipe"] });
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
      child.kill("SIGTERM");
    });
    expect(exitCode).toBe(0);
  });
});
