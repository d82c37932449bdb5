import { startMockServer, type MockServerOptions } from "./index.js";

/** The part of vitest's TestProject a global setup uses (kept structural: no vitest dependency). */
interface ProvidingProject {
  provide(key: string, value: unknown): void;
}

/** Name under which the mock's URL is provided to tests (`inject(...)`) and set in the environment. */
export const mockUrlKey = "chektMockUrl";
export const mockUrlEnv = "CHEKT_MOCK_URL";

/**
 * A vitest globalSetup that starts one mock (on a free port, quiet) for the whole run and stops it
 * afterwards. Tests read the URL with `inject("chektMockUrl")` or `process.env.CHEKT_MOCK_URL`.
 */
export function mockServerGlobalSetup(options: MockServerOptions = {}) {
  return async (project?: ProvidingProject) => {
    const mock = await startMockServer({ port: 0, logLevel: "silent", ...options });
    process.env[mockUrlEnv] = mock.url;
    project?.provide(mockUrlKey, mock.url);
    return () => mock.close();
  };
}

export default mockServerGlobalSetup();
