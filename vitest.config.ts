import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tests that read the shared corpus (../shared/corpus) skip without it, each titled with
// the reason (tests/helpers.ts); this says so once, where the default reporter shows it.
const corpus = resolve(dirname(fileURLToPath(import.meta.url)), "..", "shared", "corpus");
if (!existsSync(corpus)) {
  console.warn(`note: the shared corpus is not beside the repository (${corpus}): the tests that read it are skipped, each titled with this reason (--reporter=verbose lists them)`);
}

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // PDF tests load pdf.js once per worker; two workers fit two cores.
    maxWorkers: 2,
  },
});
