// Every operation of the bundled spec, called through the typed client against the mock:
// a valid request gets the documented success, and invalid ones get the documented 4xx with a body
// that validates against the spec.
import { describe, expect, inject, it } from "vitest";
import { callOperation, type CallOptions } from "../src/call.js";
import { validateAgainst } from "../src/schema-validator.js";
import { deref, nodeAt, operations, type Json, type JsonObject, type Operation } from "../src/spec.js";

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
  const { node } = deref(nodeAt(operation.requestBody!.schemaPointer), operation.requestBody!.schemaPointer);
  return node.type === "array" ? deref(node.items as Json, "items").node : node;
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
  /** The input the mock's error must name in `error.field` (and mention in `error.message`). */
  field: string;
}

/** Invalid requests that apply to this operation, derived from its parameters, body schema and security. */
function invalidCases(operation: Operation): InvalidCase[] {
  const cases: InvalidCase[] = [];
  const clientErrors = operation.responses.map((r) => Number(r.status)).filter((s) => s === 400 || s === 422);
  if (operation.securitySchemes.length > 0) cases.push({ name: "without a bearer token", options: { authenticated: false }, expected: [401], field: "Authorization" });
  const pathParameter = operation.parameters.find((parameter) => parameter.in === "path");
  if (pathParameter) cases.push({ name: `with a non-integer ${pathParameter.name}`, options: { path: { [pathParameter.name]: "not-a-number" } }, expected: clientErrors, field: pathParameter.name });
  if (operation.requestBody) {
    const schema = bodyObjectSchema(operation);
    const example = operation.requestBody.example;
    if (Array.isArray(example) && typeof example[0] !== "object") {
      cases.push({ name: "with an empty array body", options: { body: [] }, expected: clientErrors, field: "body" });
      cases.push({ name: "with a wrong-typed array item", options: { body: ["not-a-number"] }, expected: clientErrors, field: "[0]" });
    } else {
      // Fields of an array body's first item are named "[0].field".
      const prefix = Array.isArray(example) ? "[0]." : "";
      const required = (schema.required as string[] | undefined)?.[0];
      if (required) {
        cases.push({ name: `without the required field ${required}`, options: { body: withBodyObject(operation, (object) => delete object[required]) }, expected: clientErrors, field: `${prefix}${required}` });
      }
      const [field, value] = Object.entries((Array.isArray(example) ? example[0] : example) as JsonObject)[0]!;
      const wrong = typeof value === "string" ? 12345 : "not-a-number";
      cases.push({ name: `with ${field} of the wrong type`, options: { body: withBodyObject(operation, (object) => (object[field] = wrong)) }, expected: clientErrors, field: `${prefix}${field}` });
      if (schema.additionalProperties === false) {
        cases.push({ name: "with an unknown property", options: { body: withBodyObject(operation, (object) => (object.unknown_property = "x")) }, expected: clientErrors, field: `${prefix}unknown_property` });
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

  it.each(invalidCases(operation).map((invalid) => [invalid.name, invalid] as const))("answers a request %s with the documented 4xx naming the offending field", async (_name, invalid) => {
    const result = await callOperation(mockUrl, coverageFile, operation, invalid.options);
    expectDocumentedResponse(operation, result, invalid.expected);
    // The error describes this request's actual violation, not a canned example of another one:
    // the envelope names the field and its message mentions it; an RFC 6749 error (token endpoint)
    // mentions it in error_description.
    const named = (invalid.field.replace(/^\[0\]\.?/, "") || "body").toLowerCase();
    const body = result.body as JsonObject;
    if (typeof body.error === "string") {
      expect(String(body.error_description).toLowerCase()).toContain(named);
    } else {
      const detail = body.error as JsonObject;
      expect(detail.field).toBe(invalid.field);
      expect(String(detail.message).toLowerCase()).toContain(named);
    }
  });
});
