// Validates JSON values against schemas of the bundled spec with a JSON Schema 2020-12 validator
// (OpenAPI 3.1's dialect), formats asserted.
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { spec, type Json } from "./spec.js";

const documentId = "https://spec.chekt.test/openapi.json";

const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
addFormats.default(ajv);
// The document's top-level OpenAPI members are not JSON Schema keywords; schemas are reached by pointer.
for (const keyword of Object.keys(spec)) if (keyword !== "$id") ajv.addKeyword(keyword);
// OpenAPI annotations allowed inside schema objects.
ajv.addVocabulary(["example", "externalDocs", "xml", "discriminator", "x-enum-varnames", "x-enum-descriptions"]);
ajv.addSchema({ ...spec, $id: documentId });

const compiled = new Map<string, ValidateFunction>();

export interface ValidationResult {
  valid: boolean;
  errors: string;
}

/** Validates `value` against the schema at `pointer` (e.g. "#/components/schemas/Site"). */
export function validateAgainst(pointer: string, value: Json | undefined): ValidationResult {
  let validate = compiled.get(pointer);
  if (!validate) {
    validate = ajv.getSchema(`${documentId}${pointer}`);
    if (!validate) throw new Error(`No schema at ${pointer} in the bundled spec.`);
    compiled.set(pointer, validate);
  }
  const valid = validate(value) as boolean;
  return { valid, errors: valid ? "" : formatErrors(validate.errors ?? []) };
}

function formatErrors(errors: ErrorObject[]): string {
  return errors.map((error) => `${error.instancePath || "(root)"} ${error.message} ${JSON.stringify(error.params)}`).join("; ");
}
