/** What a request asks of the mock through `Prefer: code=404, example=name, dynamic=true`. */
export interface Preferences {
  code?: number;
  example?: string;
  dynamic?: boolean;
}

const usage = "Use Prefer: code=<status>, example=<name>, dynamic=true|false (comma-separated).";

/** Parses the Prefer header (RFC 7240 syntax); `problem` builds the error thrown for a bad one. */
export function parsePrefer(header: string | undefined, problem: (message: string) => Error): Preferences {
  const preferences: Preferences = {};
  if (!header) return preferences;
  for (const item of header.split(",")) {
    const preference = item.split(";")[0]!.trim();
    if (!preference) continue;
    const separator = preference.indexOf("=");
    const name = (separator === -1 ? preference : preference.slice(0, separator)).trim().toLowerCase();
    const value = separator === -1 ? "" : preference.slice(separator + 1).trim().replace(/^"(.*)"$/, "$1");
    if (name === "code") {
      if (!/^[1-5]\d\d$/.test(value)) throw problem(`Prefer: code must be a 3-digit HTTP status, got "${value}". ${usage}`);
      preferences.code = Number(value);
    } else if (name === "example") {
      if (!value) throw problem(`Prefer: example needs a name, e.g. example=${"<name>"}. ${usage}`);
      preferences.example = value;
    } else if (name === "dynamic") {
      if (value !== "true" && value !== "false") throw problem(`Prefer: dynamic must be true or false, got "${value}". ${usage}`);
      preferences.dynamic = value === "true";
    } else {
      throw problem(`Prefer: unknown preference "${name}". ${usage}`);
    }
  }
  return preferences;
}
