import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/cli.ts", "src/vitest.ts"],
  format: ["esm"],
  target: "node20",
  dts: { entry: ["src/index.ts", "src/vitest.ts"] },
  clean: true,
  sourcemap: true,
});
