export type LogLevel = "silent" | "error" | "warn" | "info" | "debug";

export const logLevels: readonly LogLevel[] = ["silent", "error", "warn", "info", "debug"];

export interface Logger {
  /** One line per request at info; client errors with their reason at warn. */
  request(method: string, url: string, status: number, milliseconds: number, problem?: string): void;
  error(message: string): void;
}

export function createLogger(level: LogLevel, out: NodeJS.WritableStream): Logger {
  const rank = logLevels.indexOf(level);
  const enabled = (wanted: LogLevel) => rank >= logLevels.indexOf(wanted) && level !== "silent";
  const showRequests = enabled("info");
  const showClientErrors = enabled("warn");
  const showErrors = enabled("error");
  return {
    request(method, url, status, milliseconds, problem) {
      const line = `${method} ${url} ${status} ${milliseconds.toFixed(1)}ms${problem ? ` ${problem}` : ""}`;
      if (status >= 500) {
        if (showErrors) out.write(`[mock] error ${line}\n`);
      } else if (status >= 400 && showClientErrors) {
        out.write(`[mock] warn ${line}\n`);
      } else if (showRequests) {
        out.write(`[mock] info ${line}\n`);
      }
    },
    error(message) {
      if (showErrors) out.write(`[mock] error ${message}\n`);
    },
  };
}
