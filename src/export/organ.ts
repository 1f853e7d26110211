/**
 * Organ keys: one body's name as its reports print it varies — spaces, full- and
 * half-width brackets, quotes — and some bodies are renamed. The key lines a body's
 * reports up across years: the name normalised, then mapped through the user's alias
 * file (`--organ-aliases FILE`).
 */
import { readFile } from "node:fs/promises";
import { PipelineError } from "../errors.js";

/** NFKC (full-width forms to half-width), no whitespace, one form of brackets and quotes. */
export function normaliseOrgan(organ: string): string {
  return organ
    .normalize("NFKC")
    .replace(/[\s\u00a0\u3000]+/g, "")
    .replace(/[〔【［]/g, "[")
    .replace(/[〕】］]/g, "]")
    .replace(/[“”「」『』"']/g, "");
}

export type OrganAliases = ReadonlyMap<string, string>;

/**
 * An alias file: a JSON object `{ "alias": "canonical name", … }`, or lines of
 * `alias<TAB>canonical` (or `alias,canonical`; `#` starts a comment). Names are
 * normalised on both sides, so an alias matches however its spacing was printed.
 */
export async function readOrganAliases(path: string): Promise<OrganAliases> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new PipelineError("INPUT_NOT_FOUND", `the organ alias file cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { input: path });
  }
  const pairs: [string, string][] = [];
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  if (trimmed.startsWith("{")) {
    let object: unknown;
    try {
      object = JSON.parse(trimmed);
    } catch (error) {
      throw new PipelineError("USAGE", `the organ alias file is not valid JSON (${(error as Error).message})`, { input: path });
    }
    for (const [alias, canonical] of Object.entries(object as Record<string, unknown>)) {
      if (typeof canonical !== "string") throw new PipelineError("USAGE", `the organ alias file maps "${alias}" to a non-string`, { input: path });
      pairs.push([alias, canonical]);
    }
  } else {
    trimmed.split(/\r?\n/).forEach((line, i) => {
      const content = line.replace(/#.*$/, "").trim();
      if (!content) return;
      const [alias, canonical, ...rest] = content.split(/\t|,/).map((s) => s.trim());
      if (!alias || !canonical || rest.length > 0) throw new PipelineError("USAGE", `the organ alias file's line ${i + 1} is not "alias<TAB>canonical": ${line}`, { input: path });
      pairs.push([alias, canonical]);
    });
  }
  return new Map(pairs.map(([alias, canonical]) => [normaliseOrgan(alias), normaliseOrgan(canonical)]));
}

/** The key of a record's organ, or null when the record names none. */
export function organKey(organ: string | null, aliases: OrganAliases = new Map()): string | null {
  if (!organ) return null;
  const name = normaliseOrgan(organ);
  return aliases.get(name) ?? name;
}
