import { serializeArrayParam, serializePrimitiveParam } from "openapi-fetch";
import { arrayQueryStyles, filterOperators } from "./generated/operations.js";

export type FilterOperator = (typeof filterOperators)[number];
type FilterValue<T> = Extract<NonNullable<T>, string | number>;

/** One `filter` condition on a column of Row: `[column, value]` (equality) or `[column, operator, value]`. */
export type Condition<Row> = {
  [Column in keyof Row & string]: [column: Column, value: FilterValue<Row[Column]>] | [column: Column, operator: Exclude<FilterOperator, "regex">, value: FilterValue<Row[Column]>] | [column: Column, operator: "regex", pattern: string];
}[keyof Row & string];

/** Typed input of `listQuery`: column names are Row's property names. */
export interface ListQueryInput<Row> {
  /** All conditions must hold. */
  where?: readonly Condition<Row>[];
  fields?: readonly (keyof Row & string)[];
  sort?: keyof Row & string;
  dir?: "asc" | "desc";
  limit?: number;
  offset?: number;
}

/** The list parameters as the spec declares them (`filter` items are `column,value[,op]`). */
export interface ListQuery {
  filter?: string[];
  fields?: string[];
  sort?: string;
  dir?: "asc" | "desc";
  limit?: number;
  offset?: number;
}

const fail = (where: string, problem: string): never => {
  throw new TypeError(`listQuery: ${where} ${problem}`);
};

function checkColumn(column: unknown, where: string): string {
  if (typeof column !== "string" || column === "" || column.includes(",")) {
    fail(where, `must be a non-empty column name without commas (the wire format separates names with commas), got ${JSON.stringify(column)}.`);
  }
  return column as string;
}

/**
 * Builds the spec's `filter`/`fields`/`sort`/`dir`/`limit`/`offset` from typed conditions, and
 * refuses what the wire format cannot carry instead of sending a request that means something else.
 * A value containing commas gets an explicit operator, as the grammar requires.
 */
export function listQuery<Row>(input: ListQueryInput<Row>): ListQuery {
  const query: ListQuery = {};
  if (input.where?.length) {
    query.filter = input.where.map((condition, index) => {
      const at = `where[${index}]`;
      if (!Array.isArray(condition) || condition.length < 2 || condition.length > 3) fail(at, `must be [column, value] or [column, operator, value], got ${JSON.stringify(condition)}.`);
      const column = checkColumn(condition[0], `${at} column`);
      const operator = condition.length === 3 ? condition[1] : undefined;
      const value: unknown = condition[condition.length - 1];
      if (operator !== undefined && !(filterOperators as readonly unknown[]).includes(operator)) {
        fail(`${at} operator`, `${JSON.stringify(operator)} is not one of ${filterOperators.join(", ")}.`);
      }
      if (!(typeof value === "string" || (typeof value === "number" && Number.isFinite(value)))) {
        fail(`${at} value`, `for "${column}" must be a string or a finite number, got ${value === null ? "null" : typeof value === "number" ? value : typeof value}.`);
      }
      const text = String(value);
      // With three or more parts the server reads the last as the operator, so a comma needs one.
      return `${column},${text}${operator ? `,${operator}` : text.includes(",") ? ",eq" : ""}`;
    });
  }
  if (input.fields?.length) query.fields = input.fields.map((field, index) => checkColumn(field, `fields[${index}]`));
  if (input.sort !== undefined) query.sort = checkColumn(input.sort, "sort");
  if (input.dir !== undefined) query.dir = input.dir === "asc" || input.dir === "desc" ? input.dir : fail("dir", `must be "asc" or "desc", got ${JSON.stringify(input.dir)}.`);
  if (input.limit !== undefined) query.limit = Number.isInteger(input.limit) && input.limit >= 1 ? input.limit : fail("limit", `must be an integer of at least 1, got ${input.limit}.`);
  if (input.offset !== undefined) query.offset = Number.isInteger(input.offset) && input.offset >= 0 ? input.offset : fail("offset", `must be an integer of at least 0, got ${input.offset}.`);
  return query;
}

/**
 * Query serialisation as the spec declares it per parameter (e.g. `filter` repeated, `fields`
 * comma-joined). Undefined values and empty arrays leave nothing behind.
 */
export function serializeQuery(query: Record<string, unknown> | undefined): string {
  const parts: string[] = [];
  for (const name in query) {
    const value = query[name];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      if (value.length === 0) continue;
      parts.push(serializeArrayParam(name, value, { style: "form", explode: true, ...arrayQueryStyles[name] }));
    } else if (typeof value === "object") {
      throw new TypeError(`Query parameter "${name}" is an object; the Partner API takes only strings, numbers and arrays in the query.`);
    } else {
      parts.push(serializePrimitiveParam(name, String(value)));
    }
  }
  return parts.join("&");
}
