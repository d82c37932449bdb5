import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { logLevels, type LogLevel } from "./log.js";

const usage = `Usage: chekt-partner-mock [options]

Serves a mock of the CHeKT Partner API from its bundled OpenAPI description.

Options:
  --port <n>         Port to listen on (0 picks a free port). Default 4010.
  --host <address>   Interface to bind. Default 127.0.0.1.
  --dynamic          Generate responses from the schemas instead of the spec's examples.
  --seed <value>     Seed for --dynamic, for the same generated data on every run.
  --cors, --no-cors  Answer CORS preflights and add CORS headers (default on).
  --spec <file>      Serve another OpenAPI file (JSON or YAML) instead of the bundled spec.
  --log-level <lvl>  silent | error | warn | info | debug. Default info.
  -v, --version      Print the version.
  -h, --help         Print this help.`;

function fail(message: string): never {
  process.stderr.write(`chekt-partner-mock: ${message}\n`);
  process.exit(1);
}

let args;
try {
  args = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      dynamic: { type: "boolean" },
      cors: { type: "boolean", default: true },
      seed: { type: "string" },
      spec: { type: "string" },
      "log-level": { type: "string" },
      version: { type: "boolean", short: "v" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowNegative: true,
  }).values;
} catch (error) {
  fail(`${(error as Error).message}\n\n${usage}`);
}

if (args.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
if (args.version) {
  const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  process.stdout.write(`${manifest.version}\n`);
  process.exit(0);
}

const port = args.port === undefined ? 4010 : Number(args.port);
if (!/^\d+$/.test(args.port ?? "4010") || port > 65535) fail(`--port must be an integer from 0 to 65535, got "${args.port}".`);
const logLevel = (args["log-level"] ?? "info") as LogLevel;
if (!logLevels.includes(logLevel)) fail(`--log-level must be one of ${logLevels.join(", ")}, got "${args["log-level"]}".`);
if (args.seed !== undefined && !args.dynamic) fail("--seed only applies to generated responses: add --dynamic.");

try {
  // Loaded only now: Prism takes seconds to import, and --help or a bad flag should answer at once.
  const { startMockServer } = await import("./index.js");
  const server = await startMockServer({ port, host: args.host, dynamic: args.dynamic, seed: args.seed, cors: args.cors, specPath: args.spec, logLevel });
  process.stdout.write(
    [
      `CHeKT Partner API mock listening on ${server.url} (${server.operationCount} operation${server.operationCount === 1 ? "" : "s"}, ${args.dynamic ? "dynamic" : "example"} responses)`,
      ...(server.exampleUrl ? [`Try: curl -H 'Authorization: Bearer any-token' ${server.exampleUrl}`] : []),
      ...(server.docsUrl ? [`Docs: ${server.docsUrl}`] : []),
      `Spec: ${server.specUrls.join(", ")}`,
      "Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  fail((error as Error).message);
}
