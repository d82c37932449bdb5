// Records which response codes each operation has been seen to return, across test files (each runs
// in its own worker), so the global teardown can print operations x response codes exercised.
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { operations } from "./spec.js";

export function recordExercised(file: string, operationId: string, status: number): void {
  appendFileSync(file, `${JSON.stringify({ operationId, status })}\n`);
}

/** A plain-text table: one row per operation, documented codes with the exercised ones marked. */
export function coverageSummary(file: string): string {
  const seen = new Map<string, Set<string>>();
  if (existsSync(file)) {
    for (const line of readFileSync(file, "utf8").split("\n").filter(Boolean)) {
      const { operationId, status } = JSON.parse(line) as { operationId: string; status: number };
      seen.set(operationId, (seen.get(operationId) ?? new Set()).add(String(status)));
    }
  }
  let exercised = 0;
  let documented = 0;
  const width = Math.max(...operations.map((op) => op.operationId.length));
  const rows = operations.map((op) => {
    const codes = op.responses.map((response) => {
      documented += 1;
      const hit = seen.get(op.operationId)?.has(response.status) ?? false;
      if (hit) exercised += 1;
      return hit ? `[${response.status}]` : ` ${response.status} `;
    });
    const undocumented = [...(seen.get(op.operationId) ?? [])].filter((status) => !op.responses.some((r) => r.status === status));
    return `${op.operationId.padEnd(width)}  ${codes.join(" ")}${undocumented.length ? `  UNDOCUMENTED: ${undocumented.join(", ")}` : ""}`;
  });
  const untouched = operations.filter((op) => !seen.has(op.operationId)).map((op) => op.operationId);
  return [
    `Contract coverage: ${operations.length} operations, ${exercised}/${documented} documented responses exercised ([code] = exercised)`,
    ...rows,
    untouched.length ? `Operations never exercised: ${untouched.join(", ")}` : "Every operation was exercised.",
  ].join("\n");
}
