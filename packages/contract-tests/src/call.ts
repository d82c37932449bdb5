// Calls an operation of the spec through the typed client, as a partner's code would.
import { createPartnerClient } from "@chekt/partner-api-client";
import { recordExercised } from "./coverage.js";
import { parameterExample, type Json, type JsonObject, type Operation } from "./spec.js";

export const TEST_TOKEN = "contract-test-token";

export interface CallOptions {
  /** Body to send instead of the spec's example; `null` sends none. */
  body?: Json;
  /** Path parameter values that replace the examples (e.g. a wrong type). */
  path?: Record<string, Json>;
  /** Extra request headers, e.g. `Prefer`. */
  headers?: Record<string, string>;
  /** Send the bearer token (default true). */
  authenticated?: boolean;
}

export interface CallResult {
  status: number;
  contentType: string | null;
  /** The parsed JSON body, or undefined when the body is empty. */
  body: Json | undefined;
  text: string;
  headers: Headers;
}

function examplesOf(operation: Operation, location: "path" | "query" | "header"): JsonObject {
  return Object.fromEntries(
    operation.parameters.filter((parameter) => parameter.in === location).map((parameter) => [parameter.name, parameterExample(operation, parameter)]),
  );
}

export async function callOperation(baseUrl: string, coverageFile: string, operation: Operation, options: CallOptions = {}): Promise<CallResult> {
  let text = "";
  // Keep the raw body: openapi-fetch parses success and error bodies differently, the tests check the bytes.
  const recordingFetch = async (request: Request) => {
    const response = await fetch(request);
    text = await response.clone().text();
    return response;
  };
  // One exchange per call: the tests check the status the mock chose, so the client must not retry it.
  const client = createPartnerClient({ baseUrl, fetch: recordingFetch, maxRetries: 0, ...(options.authenticated === false ? {} : { accessToken: TEST_TOKEN }) });
  const body = options.body === undefined ? operation.requestBody?.example : options.body;
  const isForm = operation.requestBody?.mediaType === "application/x-www-form-urlencoded";
  const init = {
    params: { path: { ...examplesOf(operation, "path"), ...options.path }, query: examplesOf(operation, "query"), header: examplesOf(operation, "header") },
    headers: { ...(isForm ? { "content-type": operation.requestBody!.mediaType } : {}), ...options.headers },
    ...(body === null || body === undefined ? {} : { body }),
    ...(isForm ? { bodySerializer: (value: unknown) => new URLSearchParams(value as Record<string, string>).toString() } : {}),
  };
  // The operation is chosen at run time, so the path-typed signature cannot be checked statically here.
  const { response } = await client.request(operation.method as never, operation.path as never, init as never);
  recordExercised(coverageFile, operation.operationId, response.status);
  let parsed: Json | undefined;
  if (text) {
    try {
      parsed = JSON.parse(text) as Json;
    } catch {
      throw new Error(`${operation.operationId} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
  }
  return { status: response.status, contentType: response.headers.get("content-type"), body: parsed, text, headers: response.headers };
}
