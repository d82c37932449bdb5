import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

type PrismHttp = typeof import("@stoplight/prism-http");
type PrismCore = typeof import("@stoplight/prism-core");

export interface PrismModules {
  http: PrismHttp;
  core: PrismCore;
}

let loaded: PrismModules | undefined;

/**
 * Loads Prism once per process. Profiling showed that more than half of Prism's load time is
 * `@faker-js/faker` loading every locale, although faker is only used for `x-faker` schemas in
 * dynamic mode, and json-schema-faker reaches it through a getter. So the module is swapped for a
 * stand-in whose `default` loads the English-only faker the first time it is read.
 */
export function loadPrism(): PrismModules {
  if (loaded) return loaded;
  const httpEntry = require.resolve("@stoplight/prism-http");
  const requireFromPrism = createRequire(httpEntry);
  const fakerEntry = requireFromPrism.resolve("@faker-js/faker");
  if (!require.cache[fakerEntry]) {
    const lazyFaker = {};
    Object.defineProperty(lazyFaker, "default", {
      enumerable: true,
      get: () => (requireFromPrism("@faker-js/faker/locale/en") as { faker: unknown }).faker,
    });
    require.cache[fakerEntry] = { id: fakerEntry, filename: fakerEntry, loaded: true, exports: lazyFaker } as NodeJS.Module;
  }
  loaded = { http: require("@stoplight/prism-http") as PrismHttp, core: require("@stoplight/prism-core") as PrismCore };
  return loaded;
}
