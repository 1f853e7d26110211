import { createRequire } from "node:module";

/** Name and version of this extractor, from package.json (one level above src/ and dist/). */
const pkg = createRequire(import.meta.url)("../package.json") as { name: string; version: string };

export const EXTRACTOR = { name: pkg.name, version: pkg.version } as const;
