import { createRequire } from "node:module";
import { Writable } from "node:stream";
import prismCore from "@stoplight/prism-core";
import prismHttp from "@stoplight/prism-http";
import prismHttpServer from "@stoplight/prism-http-server";

// Prism's packages are CommonJS: take their exports from the default import so Node's ESM loader
// does not have to guess named exports.
const { createLogger } = prismCore;
const { getHttpOperationsFromSpec } = prismHttp;
const { createServer } = prismHttpServer;

export type LogLevel = "silent" | "error" | "warn" | "info" | "debug";

export interface MockServerOptions {
  /** Port to listen on. `0` picks a free port. Default 4010. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Generate response bodies from the schemas instead of answering with the spec's examples. */
  dynamic?: boolean;
  /** Seed for `dynamic`, so generated bodies are the same from run to run. */
  seed?: string | number;
  /** OpenAPI file to serve. Default: the bundled Partner API spec this package ships with. */
  specPath?: string;
  /** Log level of the request log, written to stderr. Default "warn". */
  logLevel?: LogLevel;
  /** Where log lines go. Default process.stderr. */
  logStream?: NodeJS.WritableStream;
}

export interface MockServer {
  /** Base URL of the running mock, e.g. http://127.0.0.1:4010 (no trailing slash). */
  url: string;
  port: number;
  /** Number of operations the mock serves. */
  operationCount: number;
  close(): Promise<void>;
}

/** Path of the bundled spec this package serves by default. */
export function bundledSpecPath(): string {
  return createRequire(import.meta.url).resolve("@chekt/partner-api-spec/openapi.json");
}

/** Starts the mock and resolves once it accepts connections. */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const { port = 4010, host = "127.0.0.1", dynamic = false, seed, logLevel = "warn" } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${String(port)}.`);
  }
  const specPath = options.specPath ?? bundledSpecPath();
  let operations;
  try {
    operations = await getHttpOperationsFromSpec(specPath);
  } catch (error) {
    throw new Error(`Cannot load the OpenAPI description at ${specPath}: ${describe(error)}`);
  }
  if (operations.length === 0) {
    throw new Error(`The OpenAPI description at ${specPath} defines no operations to serve.`);
  }

  const logger = createLogger("chekt-partner-mock", { level: logLevel }, lineLogDestination(options.logStream ?? process.stderr));
  const server = createServer(operations, {
    cors: true,
    components: { logger },
    config: {
      checkSecurity: true,
      validateRequest: true,
      validateResponse: true,
      // Response violations are logged, not turned into 500s: the mock answers from the spec itself.
      errors: false,
      upstreamProxy: undefined,
      isProxy: false,
      mock: { dynamic, ...(seed === undefined ? {} : { seed: String(seed) }) },
    },
  });

  let address: string;
  try {
    address = await server.listen(port, host);
  } catch (error) {
    // Prism rejects with the bare message string of the listen error.
    const message = describe(error);
    if (message.includes("EADDRINUSE")) {
      throw new Error(`Port ${port} on ${host} is already in use. Stop the process using it or choose another port (port 0 picks a free one).`);
    }
    throw new Error(`Cannot listen on ${host}:${port}: ${message}`);
  }
  const boundPort = Number(/:(\d+)$/.exec(address)?.[1] ?? port);
  const urlHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${boundPort}`,
    port: boundPort,
    operationCount: operations.length,
    close: () => (closing ??= server.close()),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const levelNames: Record<number, string> = { 10: "trace", 20: "debug", 30: "info", 32: "info", 40: "warn", 50: "error", 60: "fatal" };

/** Turns pino's JSON lines into one readable line each: "[mock] warn Violation: ...". */
function lineLogDestination(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) {
        if (!line) continue;
        try {
          const entry = JSON.parse(line) as { level?: number; msg?: string };
          out.write(`[mock] ${levelNames[entry.level ?? 30] ?? "info"} ${entry.msg ?? ""}\n`);
        } catch {
          out.write(`[mock] ${line}\n`);
        }
      }
      done();
    },
  });
}
