import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project's package.json: the nearest one above this module (src/ from source, dist/src/ when built). */
function findPackage(): { name: string; version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) return JSON.parse(readFileSync(candidate, "utf8")) as { name: string; version: string };
    const up = dirname(dir);
    if (up === dir) throw new Error("package.json not found above the nianbao modules");
    dir = up;
  }
}

const pkg = findPackage();

/** Name and version of this extractor, from package.json. */
export const EXTRACTOR = { name: pkg.name, version: pkg.version } as const;
