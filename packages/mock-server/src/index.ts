import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { envelope } from "./errors.js";
import { createRequestHandler, type PrismInstance, type StaticFile } from "./handler.js";
import { createLogger, logLevels, type LogLevel } from "./log.js";
import { indexOperations, type HttpOperation } from "./operations.js";
import { loadPrism } from "./prism.js";

export type { LogLevel } from "./log.js";

export interface MockServerOptions {
  /** Port to listen on. `0` picks a free port. Default 4010. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Generate response bodies from the schemas instead of answering with the spec's examples. */
  dynamic?: boolean;
  /** Seed for `dynamic`, so generated bodies are the same from run to run. */
  seed?: string | number;
  /** Answer CORS preflights and add CORS headers, so browser apps can call the mock. Default true. */
  cors?: boolean;
  /** OpenAPI file (JSON or YAML) to serve. Default: the bundled Partner API spec this package ships with. */
  specPath?: string;
  /** Largest request body accepted; a larger one gets 413. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** "info" logs every request, "warn" client errors, "error" mock failures. Default "warn". */
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
  /** URL of the docs page, or undefined when serving a spec other than the bundled one. */
  docsUrl: string | undefined;
  /** URLs of the served spec file(s). */
  specUrls: string[];
  /** A URL of the spec's first GET operation (path parameters set to 1), to try the mock with. */
  exampleUrl: string | undefined;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** Path of the bundled spec this package serves by default. */
export function bundledSpecPath(): string {
  return require.resolve("@chekt/partner-api-spec/openapi.json");
}

/** Paths of the docs page and the spec files; API paths of the spec must not use them. */
export const servedFilePaths = { docs: "/docs", json: "/openapi.json", yaml: "/openapi.yaml" } as const;

/** Starts the mock and resolves once it accepts connections. */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const { port = 4010, host = "127.0.0.1", dynamic = false, seed, cors = true, bodyLimitBytes = 1024 * 1024, logLevel = "warn" } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`port must be an integer from 0 to 65535, got ${String(port)}.`);
  }
  if (!Number.isInteger(bodyLimitBytes) || bodyLimitBytes < 0) {
    throw new RangeError(`bodyLimitBytes must be a non-negative integer, got ${String(bodyLimitBytes)}.`);
  }
  if (!logLevels.includes(logLevel)) {
    throw new RangeError(`logLevel must be one of ${logLevels.join(", ")}, got ${JSON.stringify(logLevel)}.`);
  }
  const specPath = options.specPath ?? bundledSpecPath();
  const prism = loadPrism();
  let operations: HttpOperation[];
  try {
    operations = (await prism.http.getHttpOperationsFromSpec(specPath)) as unknown as HttpOperation[];
  } catch (error) {
    // One line: Prism's messages carry line breaks and repeat the file name.
    const reason = describe(error).replace(/\s*\n\s*/g, " ").replaceAll(`Error parsing ${specPath}: `, "");
    throw new Error(`Cannot load the OpenAPI description at ${specPath}: ${reason}`);
  }
  if (operations.length === 0) {
    throw new Error(`The OpenAPI description at ${specPath} defines no operations to serve.`);
  }
  const index = indexOperations(operations);
  const staticFiles = options.specPath === undefined ? bundledFiles() : ownSpecFile(specPath);
  const clash = Object.values(servedFilePaths).find((path) => index.find("GET", path).methods.length > 0);
  if (clash) {
    throw new Error(`The OpenAPI description at ${specPath} defines an operation at ${clash}, a path the mock reserves for its docs and spec files.`);
  }

  const exampleGet = operations.find((operation) => operation.method.toLowerCase() === "get");
  const logStream = options.logStream ?? process.stderr;
  const log = createLogger(logLevel, logStream);
  // Prism's own log (JSON lines) is only useful to debug the mock; the request log above is the user's.
  const prismLogger = prism.core.createLogger("prism", { level: logLevel === "debug" ? "debug" : "silent" }, logStream);
  const instance = prism.http.createInstance(
    { checkSecurity: true, validateRequest: true, validateResponse: false, errors: false, upstreamProxy: undefined, isProxy: false, mock: { dynamic } },
    { logger: prismLogger },
  ) as unknown as PrismInstance;
  const handler = createRequestHandler({
    prism: instance,
    index,
    mockConfig: { dynamic, ...(seed === undefined ? {} : { seed: String(seed) }) },
    staticFiles,
    cors,
    bodyLimitBytes,
    log,
    answerCache: new Map(),
  });

  const server = createServer(handler);
  // A client that sends garbage must not take the process down: answer and drop the socket. Only an
  // oversized head gets a body (the envelope): a larger reply to other unparsable requests made the
  // kernel reset connections whose unread input was still buffered, so those get a bare 400.
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    if (error.code !== "HPE_HEADER_OVERFLOW") return socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    const body = JSON.stringify(
      envelope(431, "headers_too_large", "The request line and headers together exceed Node's limit (16 KiB by default): send a shorter URL or fewer headers.").body,
    );
    socket.end(`HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`Port ${port} on ${host} is already in use. Stop the process using it or choose another port (port 0 picks a free one).`)
          : new Error(`Cannot listen on ${host}:${port}: ${error.message}`),
      );
    });
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const boundPort = typeof address === "object" && address ? address.port : port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  const url = `http://${urlHost}:${boundPort}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port: boundPort,
    operationCount: index.operationCount,
    docsUrl: staticFiles.has(servedFilePaths.docs) ? `${url}${servedFilePaths.docs}` : undefined,
    specUrls: [...staticFiles.keys()].filter((path) => path !== servedFilePaths.docs).map((path) => `${url}${path}`),
    exampleUrl: exampleGet === undefined ? undefined : `${url}${exampleGet.path.replace(/\{[^}]+\}/g, "1")}`,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      })),
  };
}

function bundledFiles(): Map<string, StaticFile> {
  const file = (specifier: string, contentType: string): StaticFile => ({ contentType, body: readFileSync(require.resolve(specifier)) });
  return new Map([
    [servedFilePaths.docs, file("@chekt/partner-api-spec/docs.html", "text/html; charset=utf-8")],
    [servedFilePaths.json, file("@chekt/partner-api-spec/openapi.json", "application/json")],
    [servedFilePaths.yaml, file("@chekt/partner-api-spec/openapi.yaml", "application/yaml")],
  ]);
}

/** Another spec is served as it is, under the name that matches its format; it has no docs page. */
function ownSpecFile(specPath: string): Map<string, StaticFile> {
  const body = readFileSync(specPath);
  const isJson = body.toString("utf8").trimStart().startsWith("{");
  return new Map([[isJson ? servedFilePaths.json : servedFilePaths.yaml, { contentType: isJson ? "application/json" : "application/yaml", body }]]);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
