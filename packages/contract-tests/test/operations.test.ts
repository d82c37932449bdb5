// Every operation of the bundled spec, called through the typed client against the mock:
// a valid request gets the documented success, and invalid ones get the documented 4xx with a body
// that validates against the spec.
import { describe, expect, inject, it } from "vitest";
import { callOperation, type CallOptions } from "../src/call.js";
import { validateAgainst } from "../src/schema-validator.js";
import { deref, operations, spec, type Json, type JsonObject, type Operation } from "../src/spec.js";

const mockUrl = inject("mockUrl");
const coverageFile = inject("coverageFile");

function expectDocumentedResponse(operation: Operation, result: Awaited<ReturnType<typeof callOperation>>, allowed: number[]) {
  expect(allowed, `${operation.operationId} answered ${result.status}: ${result.text.slice(0, 300)}`).toContain(result.status);
  const documented = operation.responses.find((response) => Number(response.status) === result.status);
  expect(documented, `${result.status} is not documented for ${operation.operationId}`).toBeDefined();
  if (documented!.schemaPointer) {
    expect(result.contentType).toMatch(/json/);
    const { valid, errors } = validateAgainst(documented!.schemaPointer, result.body);
    expect(valid, `${operation.operationId} ${result.status} body does not match ${documented!.schemaPointer}: ${errors}`).toBe(true);
  } else {
    expect(result.text, `${operation.operationId} ${result.status} documents no body`).toBe("");
  }
}

/** The schema of the request body's first object (the body itself, or an array body's item). */
function bodyObjectSchema(operation: Operation): JsonObject {
  const { node } = deref(pointerNode(operation.requestBody!.schemaPointer), operation.requestBody!.schemaPointer);
  return node.type === "array" ? deref(node.items as Json, "items").node : node;
}

function pointerNode(pointer: string): Json {
  return pointer
    .slice(2)
    .split("/")
    .reduce<Json>((node, key) => (node as JsonObject)[key.replaceAll("~1", "/").replaceAll("~0", "~")] as Json, spec);
}

/** Applies `change` to the example body's first object (arrays: their first item), on a copy. */
function withBodyObject(operation: Operation, change: (object: JsonObject) => void): Json {
  const body = structuredClone(operation.requestBody!.example);
  const target = (Array.isArray(body) ? body[0] : body) as JsonObject;
  change(target);
  return body;
}

interface InvalidCase {
  name: string;
  options: CallOptions;
  expected: number[];
}

/** Invalid requests that apply to this operation, derived from its parameters, body schema and security. */
function invalidCases(operation: Operation): InvalidCase[] {
  const cases: InvalidCase[] = [];
  const clientErrors = operation.responses.map((r) => Number(r.status)).filter((s) => s === 400 || s === 422);
  if (operation.securitySchemes.length > 0) cases.push({ name: "without a bearer token", options: { authenticated: false }, expected: [401] });
  const pathParameter = operation.parameters.find((parameter) => parameter.in === "path");
  if (pathParameter) cases.push({ name: `with a non-integer ${pathParameter.name}`, options: { path: { [pathParameter.name]: "not-a-number" } }, expected: clientErrors });
  if (operation.requestBody) {
    const schema = bodyObjectSchema(operation);
    const example = operation.requestBody.example;
    if (Array.isArray(example) && typeof example[0] !== "object") {
      cases.push({ name: "with an empty array body", options: { body: [] }, expected: clientErrors });
      cases.push({ name: "with a wrong-typed array item", options: { body: ["not-a-number"] }, expected: clientErrors });
    } else {
      const required = (schema.required as string[] | undefined)?.[0];
      if (required) {
        cases.push({ name: `without the required field ${required}`, options: { body: withBodyObject(operation, (object) => delete object[required]) }, expected: clientErrors });
      }
      const [field, value] = Object.entries((Array.isArray(example) ? example[0] : example) as JsonObject)[0]!;
      const wrong = typeof value === "string" ? 12345 : "not-a-number";
      cases.push({ name: `with ${field} of the wrong type`, options: { body: withBodyObject(operation, (object) => (object[field] = wrong)) }, expected: clientErrors });
      if (schema.additionalProperties === false) {
        cases.push({ name: "with an unknown property", options: { body: withBodyObject(operation, (object) => (object.unknown_property = "x")) }, expected: clientErrors });
      }
    }
  }
  return cases;
}

describe.each(operations.map((operation) => [operation.operationId, operation] as const))("%s", (_id, operation) => {
  it(`answers ${operation.successStatus} with a spec-valid body to a valid request built from the spec's examples`, async () => {
    const result = await callOperation(mockUrl, coverageFile, operation);
    expectDocumentedResponse(operation, result, [operation.successStatus]);
  });

  it(`answers ${operation.successStatus} with a spec-valid generated body in dynamic mode (Prefer: dynamic=true)`, async () => {
    const result = await callOperation(mockUrl, coverageFile, operation, { headers: { prefer: "dynamic=true" } });
    expectDocumentedResponse(operation, result, [operation.successStatus]);
  });

  it("has at least one invalid-request case and documents a 4xx for it", () => {
    const cases = invalidCases(operation);
    expect(cases.length).toBeGreaterThan(0);
    for (const invalid of cases) expect(invalid.expected, `${operation.operationId} ${invalid.name}: no documented 4xx`).not.toHaveLength(0);
  });

  it.each(invalidCases(operation).map((invalid) => [invalid.name, invalid] as const))("answers a request %s with the documented 4xx", async (_name, invalid) => {
    const result = await callOperation(mockUrl, coverageFile, operation, invalid.options);
    expectDocumentedResponse(operation, result, invalid.expected);
  });
});
