import { basename } from "node:path";
import { parseArgs } from "node:util";
import { isPipelineError } from "../../errors.js";
import { listDocuments, listTruths } from "../../eval/corpus.js";
import { formatKinds, kindOfRecord, readKinds, summarizeByKind, type KindPair, type KindScore } from "../../eval/kinds.js";
import { formatSummary, summarize, type ScoreSummary } from "../../eval/score.js";
import { createLogger } from "../../log.js";
import { extractFile } from "../../pipeline.js";
import { usageError } from "../errors.js";
import { toJson, writeAtomic } from "../output.js";

export const help = `nianbao eval DIR [options]

Extracts every document in DIR and scores the records cell by cell against the
<id>.truth.json files (by the rules of shared/tools/score.mjs), in all and by input
kind (text, html, pdf-text, scan …; a kinds.json in DIR, { "<id>": "<kind>" }, names
kinds a record cannot tell, as scripts/eval-renderings.ts writes for browser prints
and scans). "silent" counts the wrong cells no issue names (on the cell, its row or
its column); "absent" the table cells whose key the record lacks.

Options:
      --truth DIR   where the truth files are (default: DIR)
      --out DIR     also write the records there
      --json        print the summary as JSON
      --min X       exit 1 when the cell accuracy is below X (0..1)
`;

export interface EvalResult {
  summary: ScoreSummary;
  kinds: KindScore[];
}

/** Extracts and scores every document of `dir` that has a truth file. */
export async function evaluateDir(dir: string, options: { truth?: string; out?: string } = {}): Promise<EvalResult> {
  const truths = listTruths(options.truth ?? dir);
  if (truths.size === 0) throw usageError(`no *.truth.json files in ${options.truth ?? dir}`);
  const docs = listDocuments(dir).filter((d) => truths.has(d.id));
  const named = readKinds(dir);
  const log = createLogger({ cmd: "eval" });
  const records = new Map<string, { record: Record<string, unknown> | null; ms: number; kind: string }>();
  for (const [i, doc] of docs.entries()) {
    const started = performance.now();
    let record: Record<string, unknown> | null = null;
    try {
      const extracted = await extractFile(doc.path, { provenance: false });
      record = extracted as unknown as Record<string, unknown>;
      if (options.out) await writeAtomic(options.out, `${doc.id}.json`, toJson(extracted, false));
      log.info({ progress: `${i + 1}/${docs.length}`, file: basename(doc.path), template: extracted.meta.template }, "extracted");
    } catch (error) {
      log.warn({ progress: `${i + 1}/${docs.length}`, file: basename(doc.path), error: isPipelineError(error) ? error.code : String(error) }, "no record");
    }
    records.set(doc.id, { record, ms: performance.now() - started, kind: named.get(doc.id) ?? kindOfRecord(record, doc.path) });
  }
  const pairs: KindPair[] = [...truths].map(([id, truth]) => {
    const r = records.get(id);
    return { id, truth, record: r?.record ?? null, ms: r?.ms ?? 0, kind: r?.kind ?? named.get(id) ?? "no document" };
  });
  return { summary: summarize(pairs), kinds: summarizeByKind(pairs) };
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { truth: { type: "string" }, out: { type: "string" }, json: { type: "boolean", default: false }, min: { type: "string" } },
  });
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw usageError("eval needs exactly one DIR");
  const { summary, kinds } = await evaluateDir(dir, { truth: values.truth, out: values.out });
  process.stdout.write(values.json ? toJson({ ...summary, kinds: kinds.map((k) => ({ ...k, summary: { ...k.summary, rows: undefined } })) }, false) : `${formatSummary(summary)}\n\n${formatKinds(kinds)}\n`);
  const min = values.min === undefined ? undefined : Number(values.min);
  return min !== undefined && summary.accuracy < min ? 1 : 0;
}
