#!/usr/bin/env node
// Derives the runtime facts the client needs from the bundled spec, so nothing about operations is
// kept by hand: which security schemes each operation accepts, and how each array query parameter
// is serialised (`style`/`explode`). Writes src/generated/operations.ts (gitignored).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const specPath = createRequire(import.meta.url).resolve("@chekt/partner-api-spec/openapi.json");
const spec = JSON.parse(readFileSync(specPath, "utf8"));
const outFile = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "generated", "operations.ts");
const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

const resolve = (node) => {
  while (node && typeof node.$ref === "string") {
    node = node.$ref.slice(2).split("/").reduce((parent, key) => parent?.[key.replaceAll("~1", "/").replaceAll("~0", "~")], spec);
  }
  return node;
};

const operationSecurity = {};
const arrayQueryStyles = {};
for (const [path, pathItem] of Object.entries(spec.paths ?? {})) {
  for (const method of methods) {
    const operation = pathItem[method];
    if (!operation) continue;
    const security = operation.security ?? spec.security ?? [];
    operationSecurity[`${method.toUpperCase()} ${path}`] = [...new Set(security.flatMap((requirement) => Object.keys(requirement)))];
    for (const parameter of [...(pathItem.parameters ?? []), ...(operation.parameters ?? [])].map(resolve)) {
      if (parameter.in !== "query" || resolve(parameter.schema)?.type !== "array") continue;
      const style = { style: parameter.style ?? "form", explode: parameter.explode ?? (parameter.style ?? "form") === "form" };
      const known = arrayQueryStyles[parameter.name];
      if (known && (known.style !== style.style || known.explode !== style.explode)) {
        // The query serializer is keyed by name; one name with two styles would need per-operation serialisation.
        throw new Error(`Query parameter "${parameter.name}" is serialised two ways in the spec (${operation.operationId}): give it one style/explode everywhere.`);
      }
      arrayQueryStyles[parameter.name] = style;
    }
  }
}

mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(
  outFile,
  `// Generated from the bundled Partner API spec by scripts/generate-operations.mjs. Do not edit.
/** Security schemes accepted by each operation, keyed by "METHOD /path" (an empty list: no auth). */
export const operationSecurity: Readonly<Record<string, readonly string[]>> = ${JSON.stringify(operationSecurity, null, 2)};

/** Serialisation of every array query parameter in the spec, keyed by parameter name. */
export const arrayQueryStyles: Readonly<Record<string, { style: "form" | "spaceDelimited" | "pipeDelimited"; explode: boolean }>> = ${JSON.stringify(arrayQueryStyles, null, 2)};
`,
);
console.log(`Wrote ${Object.keys(operationSecurity).length} operations to ${outFile}`);
