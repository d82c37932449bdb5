#!/usr/bin/env node
// Derives the runtime facts the client needs from the bundled spec, so nothing about operations is
// kept by hand: each operation's method, path and credential (from its security requirements), how
// each array query parameter is serialised, the filter operators, and the OAuth endpoints.
// Writes src/generated/operations.ts (gitignored).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const specPath = createRequire(import.meta.url).resolve("@chekt/partner-api-spec/openapi.json");
const spec = JSON.parse(readFileSync(specPath, "utf8"));
const outFile = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "generated", "operations.ts");
const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const fail = (message) => {
  throw new Error(`generate-operations: ${message} (spec: ${specPath})`);
};

const resolve = (node) => {
  while (node && typeof node.$ref === "string") {
    node = node.$ref.slice(2).split("/").reduce((parent, key) => parent?.[key.replaceAll("~1", "/").replaceAll("~0", "~")], spec);
  }
  return node;
};

// The client holds one credential per OAuth flow; a scheme's flow decides which one an operation gets.
const schemes = spec.components?.securitySchemes ?? {};
const flowOfScheme = (name) => {
  const flows = Object.keys(resolve(schemes[name])?.flows ?? {});
  if (flows.length !== 1) fail(`security scheme "${name}" must be OAuth 2 with exactly one flow, found [${flows}]`);
  return flows[0];
};
const flowOf = (flow) => Object.values(schemes).map(resolve).find((scheme) => scheme?.flows?.[flow])?.flows[flow] ?? fail(`no security scheme with an OAuth "${flow}" flow`);
const clientCredentials = flowOf("clientCredentials");
const authorizationCode = flowOf("authorizationCode");

// operationId → [METHOD, path, credential flow or null when it takes no token, request media type or null,
//                2xx statuses documented with a JSON body]
const operations = {};
const arrayQueryStyles = {};
let filterOperators;
for (const [path, pathItem] of Object.entries(spec.paths ?? {})) {
  for (const method of methods) {
    const operation = pathItem[method];
    if (!operation) continue;
    if (!/^[a-z][A-Za-z0-9]*$/.test(operation.operationId ?? "")) fail(`${method.toUpperCase()} ${path} needs a camelCase operationId`);
    const flows = [...new Set((operation.security ?? spec.security ?? []).flatMap((requirement) => Object.keys(requirement).map(flowOfScheme)))];
    if (flows.length > 1) fail(`${operation.operationId} accepts several OAuth flows (${flows}); the client picks one credential per operation`);
    const mediaTypes = Object.keys(resolve(operation.requestBody)?.content ?? {});
    if (mediaTypes.length > 1) fail(`${operation.operationId} accepts several request media types (${mediaTypes}); the operation methods send one`);
    const jsonSuccesses = Object.entries(operation.responses ?? {})
      .filter(([status, response]) => /^2\d\d$/.test(status) && Object.keys(resolve(response)?.content ?? {}).some((type) => type.includes("json")))
      .map(([status]) => Number(status));
    operations[operation.operationId] = [method.toUpperCase(), path, flows[0] ?? null, mediaTypes[0] ?? null, jsonSuccesses];
    for (const parameter of [...(pathItem.parameters ?? []), ...(operation.parameters ?? [])].map(resolve)) {
      if (parameter.in === "path" && ["query", "body"].includes(parameter.name)) fail(`path parameter "${parameter.name}" of ${operation.operationId} collides with an input key of the operation methods`);
      if (parameter.in !== "query" || resolve(parameter.schema)?.type !== "array") continue;
      const style = { style: parameter.style ?? "form", explode: parameter.explode ?? (parameter.style ?? "form") === "form" };
      const known = arrayQueryStyles[parameter.name];
      if (known && (known.style !== style.style || known.explode !== style.explode)) {
        // The query serializer is keyed by name; one name with two styles would need per-operation serialisation.
        fail(`query parameter "${parameter.name}" is serialised two ways (${operation.operationId}): give it one style/explode everywhere`);
      }
      arrayQueryStyles[parameter.name] = style;
      if (parameter.name === "filter") {
        // The grammar `column,value[,op]` ends its item pattern with the operator alternatives.
        const operators = /\(((?:[a-z]+\|)+[a-z]+)\)\)?\$$/.exec(resolve(parameter.schema).items?.pattern ?? "")?.[1]?.split("|");
        if (!operators) fail(`the filter item pattern must end with the operator alternatives, e.g. "(eq|neq)$"`);
        filterOperators = operators;
      }
    }
  }
}
if (!filterOperators) fail(`no "filter" query parameter found`);

mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(
  outFile,
  `// Generated from the bundled Partner API spec by scripts/generate-operations.mjs. Do not edit.
/** Each operation by operationId: method, path template, the OAuth flow whose token it takes (null: none), request media type, 2xx statuses with a JSON body. */
export const operationTable = ${JSON.stringify(operations, null, 2)} as const satisfies Record<string, readonly [string, string, "clientCredentials" | "authorizationCode" | null, string | null, readonly number[]]>;

/** The flow of the spec's root security: assumed for requests whose operation is unknown (see transport). */
export const defaultFlow = ${JSON.stringify((spec.security ?? []).flatMap((requirement) => Object.keys(requirement).map(flowOfScheme))[0] ?? null)};

/** Serialisation of every array query parameter in the spec, keyed by parameter name. */
export const arrayQueryStyles: Readonly<Record<string, { style: "form" | "spaceDelimited" | "pipeDelimited"; explode: boolean }>> = ${JSON.stringify(arrayQueryStyles)};

/** Operators of the \`filter\` grammar (\`column,value[,op]\`), from its item pattern. */
export const filterOperators = ${JSON.stringify(filterOperators)} as const;

/** Token endpoint path (the spec's tokenUrl, resolved against the client's baseUrl). */
export const tokenPath = ${JSON.stringify(new URL(clientCredentials.tokenUrl).pathname)};

/** Where a dealer user signs in for the authorization-code flow. */
export const defaultAuthorizationUrl = ${JSON.stringify(authorizationCode.authorizationUrl)};
`,
);
console.log(`Wrote ${Object.keys(operations).length} operations to ${outFile}`);
