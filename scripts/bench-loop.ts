/**
 * The in-process baseline of the queue benchmark, run as its own process so that one
 * and two of them can be timed like one and two worker processes: extracts and stores
 * the files `from`..`to` of a directory (sorted by name) with the built extractor and
 * prints, as JSON, the wall-clock time at which each record was stored.
 *
 *   node --import tsx scripts/bench-loop.ts IN_DIR STORE_DIR FROM TO
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [inDir, storeDir, from, to] = process.argv.slice(2);
if (!inDir || !storeDir || from === undefined || to === undefined) throw new Error("usage: bench-loop IN_DIR STORE_DIR FROM TO");
const dist = resolve(import.meta.dirname, "../dist/src");
const { extractReport } = (await import(pathToFileURL(join(dist, "index.js")).href)) as typeof import("../src/index.js");
const { LocalStore } = (await import(pathToFileURL(join(dist, "store/local.js")).href)) as typeof import("../src/store/local.js");

const store = new LocalStore(storeDir);
const names = readdirSync(inDir).sort().slice(Number(from), Number(to));
const finished: number[] = [];
for (const name of names) {
  const record = await extractReport({ bytes: readFileSync(join(inDir, name)), name });
  await store.putRecord({ sha256: record.source.sha256, version: "bench" }, record);
  finished.push(Date.now());
}
process.stdout.write(`${JSON.stringify(finished)}\n`);
