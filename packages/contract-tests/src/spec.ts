// Reads the bundled spec and enumerates its operations, so that every test is driven by the spec
// itself: a new operation gets tests (and fails them if it lacks examples) without anyone listing it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const specPath = createRequire(import.meta.url).resolve("@chekt/partner-api-spec/openapi.json");
export const spec = JSON.parse(readFileSync(specPath, "utf8")) as JsonObject;

const httpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: JsonObject;
  example?: Json;
}

export interface ResponseInfo {
  status: string;
  /** JSON pointer (from the document root) of the response's JSON schema, if it has a JSON body. */
  schemaPointer?: string;
  mediaType?: string;
}

export interface Operation {
  operationId: string;
  tags: string[];
  method: (typeof httpMethods)[number];
  path: string;
  parameters: Parameter[];
  /** Security schemes accepted; empty when the operation needs no auth. */
  securitySchemes: string[];
  requestBody?: { mediaType: string; required: boolean; schemaPointer: string; example: Json };
  responses: ResponseInfo[];
  successStatus: number;
}

export function escapePointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** The node at a JSON pointer from the document root ("#/components/schemas/Site"). */
export function nodeAt(pointer: string): Json {
  return pointer
    .replace(/^#\//, "")
    .split("/")
    .reduce<Json>((node, segment) => (node as JsonObject)?.[segment.replaceAll("~1", "/").replaceAll("~0", "~")] as Json, spec);
}

/** Follows `$ref`s, returning the final node and its JSON pointer. */
export function deref(node: Json, pointer: string): { node: JsonObject; pointer: string } {
  let current = node as JsonObject;
  let currentPointer = pointer;
  while (current && typeof current.$ref === "string") {
    currentPointer = current.$ref;
    current = nodeAt(currentPointer) as JsonObject;
    if (current === undefined) throw new Error(`Unresolvable $ref ${currentPointer} (from ${pointer})`);
  }
  return { node: current, pointer: currentPointer };
}

function firstExample(mediaType: JsonObject, where: string): Json {
  if ("example" in mediaType) return mediaType.example as Json;
  const examples = mediaType.examples as JsonObject | undefined;
  const first = examples && Object.values(examples)[0];
  if (first) return deref(first, where).node.value as Json;
  throw new Error(`${where} has no example: add one to the spec so the contract tests can build a valid request.`);
}

function readOperation(path: string, method: Operation["method"], raw: JsonObject, pathItem: JsonObject): Operation {
  const pointer = `#/paths/${escapePointer(path)}/${method}`;
  const operationId = String(raw.operationId);
  const parameters = [...((pathItem.parameters as Json[]) ?? []), ...((raw.parameters as Json[]) ?? [])].map(
    (parameter, index) => deref(parameter, `${pointer}/parameters/${index}`).node as unknown as Parameter,
  );
  const security = (raw.security ?? spec.security ?? []) as JsonObject[];
  let requestBody: Operation["requestBody"];
  if (raw.requestBody) {
    const { node: body, pointer: bodyPointer } = deref(raw.requestBody, `${pointer}/requestBody`);
    const [mediaType, media] = Object.entries(body.content as JsonObject)[0]!;
    requestBody = {
      mediaType,
      required: body.required === true,
      schemaPointer: `${bodyPointer}/content/${escapePointer(mediaType)}/schema`,
      example: firstExample(media as JsonObject, `${operationId} request body (${mediaType})`),
    };
  }
  const responses = Object.entries(raw.responses as JsonObject).map(([status, response]): ResponseInfo => {
    const { node, pointer: responsePointer } = deref(response, `${pointer}/responses/${status}`);
    const content = node.content as JsonObject | undefined;
    const mediaType = content && Object.keys(content).find((type) => type.includes("json"));
    return mediaType ? { status, mediaType, schemaPointer: `${responsePointer}/content/${escapePointer(mediaType)}/schema` } : { status };
  });
  const successStatus = Math.min(...responses.map((r) => Number(r.status)).filter((s) => s >= 200 && s < 300));
  if (!Number.isFinite(successStatus)) throw new Error(`${operationId} documents no 2xx response.`);
  return {
    operationId,
    tags: (raw.tags as string[] | undefined) ?? [],
    method,
    path,
    parameters,
    securitySchemes: [...new Set(security.flatMap((requirement) => Object.keys(requirement)))],
    requestBody,
    responses,
    successStatus,
  };
}

export const operations: Operation[] = Object.entries(spec.paths as JsonObject).flatMap(([path, item]) =>
  httpMethods.filter((method) => (item as JsonObject)[method]).map((method) => readOperation(path, method, (item as JsonObject)[method] as JsonObject, item as JsonObject)),
);

export function operationById(operationId: string): Operation {
  const operation = operations.find((candidate) => candidate.operationId === operationId);
  if (!operation) throw new Error(`The spec has no operation "${operationId}".`);
  return operation;
}

/** The value of a parameter's example; every parameter the tests send must have one. */
export function parameterExample(operation: Operation, parameter: Parameter): Json {
  const example = parameter.example ?? (parameter.schema?.example as Json | undefined);
  if (example === undefined) throw new Error(`${operation.operationId}: parameter "${parameter.name}" has no example in the spec.`);
  return example;
}
