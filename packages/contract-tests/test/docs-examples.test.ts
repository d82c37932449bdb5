// The example payloads of the public docs are test vectors: each validates against the schema of its
// operation in the bundle (request body, or the response of its status).
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validateAgainst } from "../src/schema-validator.js";
import { operationById, type Json } from "../src/spec.js";

interface Vector {
  id: string;
  operationId: string;
  method: string;
  path: string;
  kind: "request" | "response" | "error-response";
  status?: number;
  body: Json;
}

const vectorsUrl = new URL("../vectors/docs-examples.json", import.meta.url);
const vectors = JSON.parse(readFileSync(vectorsUrl, "utf8")) as Vector[];
// The project's shared folder holds the source of truth for the vectors, beside the repository.
const sharedUrl = new URL("../../../../shared/docs-examples.json", import.meta.url);

describe("docs example vectors", () => {
  it.skipIf(!existsSync(sharedUrl))("match the shared copy they were taken from", () => {
    expect(vectors).toEqual(JSON.parse(readFileSync(sharedUrl, "utf8")));
  });

  it.each(vectors.map((vector) => [vector.id, vector.kind, vector.operationId, vector] as const))("%s (%s of %s) validates against the spec", (_id, _kind, _op, vector) => {
    const operation = operationById(vector.operationId);
    expect(`${operation.method.toUpperCase()} ${operation.path}`).toBe(`${vector.method} ${vector.path}`);
    const pointer =
      vector.kind === "request" ? operation.requestBody?.schemaPointer : operation.responses.find((response) => Number(response.status) === vector.status)?.schemaPointer;
    expect(pointer, `${vector.id}: the operation documents no ${vector.kind === "request" ? "request body" : `JSON ${vector.status} response`}`).toBeDefined();
    const { valid, errors } = validateAgainst(pointer!, vector.body);
    expect(valid, errors).toBe(true);
  });
});
