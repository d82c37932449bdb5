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
 * Loads Prism once per process. Profiling showed that more than half of Prism's load time was
 * `@faker-js/faker` loading every locale, although faker only serves `x-faker` schemas in dynamic
 * mode. json-schema-faker asks for faker as soon as Prism loads it, so faker is swapped for a
 * stand-in that loads the English-only build on the first real use.
 */
export function loadPrism(): PrismModules {
  if (loaded) return loaded;
  const httpEntry = require.resolve("@stoplight/prism-http");
  const requireFromPrism = createRequire(httpEntry);
  const fakerEntry = requireFromPrism.resolve("@faker-js/faker");
  if (!require.cache[fakerEntry]) {
    let faker: object | undefined;
    const realFaker = () => (faker ??= (requireFromPrism("@faker-js/faker/locale/en") as { faker: object }).faker);
    const lazyFaker = new Proxy(
      {},
      {
        get: (_target, key) => Reflect.get(realFaker(), key),
        has: (_target, key) => Reflect.has(realFaker(), key),
      },
    );
    require.cache[fakerEntry] = { id: fakerEntry, filename: fakerEntry, loaded: true, exports: { default: lazyFaker, faker: lazyFaker } } as unknown as NodeJS.Module;
  }
  loaded = { http: require("@stoplight/prism-http") as PrismHttp, core: require("@stoplight/prism-core") as PrismCore };
  return loaded;
}
