/** A directory of documents with `<id>.truth.json` files beside them (the corpus layout). */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";

export interface CorpusDocument {
  id: string;
  path: string;
}

const NOT_DOCUMENTS = /\.(json|md|txt\.truth|truth\.json)$|(^|\/)\.|README/i;

/** The documents of a directory: every regular file that is not a truth file, JSON or notes. */
export function listDocuments(dir: string): CorpusDocument[] {
  return readdirSync(dir)
    .filter((f) => !NOT_DOCUMENTS.test(f) && statSync(join(dir, f)).isFile())
    .sort()
    .map((f) => ({ id: basename(f, extname(f)), path: join(dir, f) }));
}

/** The truth files of a directory, by document id. */
export function listTruths(dir: string): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".truth.json")).sort()) {
    out.set(basename(f, ".truth.json"), JSON.parse(readFileSync(join(dir, f), "utf8")) as Record<string, unknown>);
  }
  return out;
}
