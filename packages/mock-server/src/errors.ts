import { randomUUID } from "node:crypto";

/** One problem Prism's request validator found: `path` starts with body, path, query or header. */
export interface Violation {
  path?: string[];
  code?: string | number;
  message: string;
  severity: number;
}

export interface ErrorReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The spec's error envelope: `{"error": {"code", "message", "request_id", "field"?}}`. */
export function envelope(status: number, code: string, message: string, field?: string, headers?: Record<string, string>): ErrorReply {
  const error = { code, message, request_id: `req_${randomUUID().slice(0, 8)}`, ...(field === undefined ? {} : { field }) };
  return { status, body: { error }, ...(headers ? { headers } : {}) };
}

/** RFC 6749 section 5.2 error body, used by the token endpoint instead of the envelope. */
export function oauthError(status: number, error: string, description: string): ErrorReply {
  return { status, body: { error, error_description: description }, headers: { "cache-control": "no-store" } };
}

const locationOrder = ["path", "query", "header", "body"];

/** Violations in the order a reader fixes them (path first, body last), without ajv's if/then echoes. */
export function meaningful(violations: Violation[]): Violation[] {
  const substantive = violations.filter((violation) => violation.code !== "if");
  const rank = (violation: Violation) => {
    const at = locationOrder.indexOf(violation.path?.[0] ?? "");
    return at === -1 ? locationOrder.length : at;
  };
  return (substantive.length > 0 ? substantive : violations).map((violation, order) => ({ violation, order })).sort((a, b) => rank(a.violation) - rank(b.violation) || a.order - b.order).map(({ violation }) => violation);
}

/** Prism lower-cases some parameter names; puts the declared spelling back into path and message. */
export function withDeclaredNames(violation: Violation, parameterNames: ReadonlyMap<string, string>): Violation {
  const [location, name, ...rest] = violation.path ?? [];
  if (location === undefined || location === "body" || name === undefined) return violation;
  const declared = parameterNames.get(name.toLowerCase()) ?? name;
  return { ...violation, path: [location, declared, ...rest], message: violation.message.replace(`parameter ${name}`, `parameter ${declared}`) };
}

/** The input a violation is about, as a partner would name it: `dealerId`, `limit`, `contacts[0].phone`. */
export function fieldOf(violation: Violation): string {
  const [location, ...rest] = violation.path ?? [];
  // ajv reports a missing or an unexpected property on its parent object; the message names it.
  const named =
    violation.code === "required" ? /property '([^']+)'/.exec(violation.message)?.[1] : violation.code === "additionalProperties" ? /found '([^']+)'/.exec(violation.message)?.[1] : undefined;
  const segments = named === undefined ? rest : [...rest, named];
  if (segments.length === 0) return location ?? "request";
  return segments.map((segment, index) => (/^\d+$/.test(segment) ? `[${segment}]` : index === 0 ? segment : `.${segment}`)).join("");
}

/**
 * Chooses the operation's documented client-error status for the violations: a body that is
 * well-formed but fails the schema is 422 where the operation documents it, everything else 400.
 */
export function violationStatus(violations: Violation[], documented: ReadonlySet<number>): number {
  const bodyOnly = violations.every((violation) => violation.path?.[0] === "body");
  if (bodyOnly && documented.has(422)) return 422;
  if (documented.has(400)) return 400;
  return documented.has(422) ? 422 : 400;
}

export function describeViolations(violations: Violation[]): string {
  const messages = violations.map((violation) => capitalise(violation.message.replace(/^Request /, "")));
  const listed = messages.map((message) => (message.endsWith(".") ? message : `${message}.`)).join(" ");
  return violations.length === 1 ? listed : `${violations.length} problems: ${listed}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function invalidRequest(violations: Violation[], documented: ReadonlySet<number>): ErrorReply {
  const status = violationStatus(violations, documented);
  return envelope(status, status === 422 ? "validation_failed" : "invalid_request", describeViolations(violations), fieldOf(violations[0]!));
}

/** A bad token request in RFC 6749 terms: an unknown grant type, or missing or malformed fields. */
export function invalidTokenRequest(violations: Violation[]): ErrorReply {
  const badGrant = violations.find((violation) => violation.code === "enum" && fieldOf(violation) === "grant_type");
  return badGrant ? oauthError(400, "unsupported_grant_type", describeViolations([badGrant])) : oauthError(400, "invalid_request", describeViolations(violations));
}
