// `Prefer: code=...` selects each documented error response, on one operation of every tag (the
// first in the spec's order), and each answer matches its documented schema.
import { describe, expect, inject, it } from "vitest";
import { callOperation } from "../src/call.js";
import { validateAgainst } from "../src/schema-validator.js";
import { operations } from "../src/spec.js";

const mockUrl = inject("mockUrl");
const coverageFile = inject("coverageFile");

const sample = operations.filter((operation, index) => operations.findIndex((other) => other.tags[0] === operation.tags[0]) === index);

const cases = sample.flatMap((operation) =>
  operation.responses.filter((response) => Number(response.status) >= 400).map((response) => [operation.operationId, response.status, operation, response] as const),
);

describe("Prefer: code", () => {
  it("samples one operation per tag", () => {
    const tags = new Set(operations.map((operation) => operation.tags[0]));
    expect(sample).toHaveLength(tags.size);
  });

  it.each(cases)("%s answers %s when asked for it", async (_id, status, operation, response) => {
    const result = await callOperation(mockUrl, coverageFile, operation, { headers: { prefer: `code=${status}` } });
    expect(result.status).toBe(Number(status));
    const { valid, errors } = validateAgainst(response.schemaPointer!, result.body);
    expect(valid, errors).toBe(true);
  });
});
