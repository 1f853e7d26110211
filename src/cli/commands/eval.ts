import { basename } from "node:path";
import { parseArgs } from "node:util";
import { isPipelineError } from "../../errors.js";
import { listDocuments, listTruths } from "../../eval/corpus.js";
import { formatSummary, summarize } from "../../eval/score.js";
import { createLogger } from "../../log.js";
import { extractFile } from "../../pipeline.js";
import { usageError } from "../errors.js";
import { toJson, writeAtomic } from "../output.js";

export const help = `nianbao eval DIR [options]

Extracts every document in DIR and scores the records cell by cell against the
<id>.truth.json files (by the rules of shared/tools/score.mjs).

Options:
      --truth DIR   where the truth files are (default: DIR)
      --out DIR     also write the records there
      --json        print the summary as JSON
      --min X       exit 1 when the cell accuracy is below X (0..1)
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { truth: { type: "string" }, out: { type: "string" }, json: { type: "boolean", default: false }, min: { type: "string" } },
  });
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw usageError("eval needs exactly one DIR");
  const truths = listTruths(values.truth ?? dir);
  if (truths.size === 0) throw usageError(`no *.truth.json files in ${values.truth ?? dir}`);
  const docs = listDocuments(dir).filter((d) => truths.has(d.id));
  const log = createLogger({ cmd: "eval" });
  const records = new Map<string, Record<string, unknown>>();
  for (const [i, doc] of docs.entries()) {
    try {
      const record = await extractFile(doc.path, { provenance: false });
      records.set(doc.id, record as unknown as Record<string, unknown>);
      if (values.out) await writeAtomic(values.out, `${doc.id}.json`, toJson(record, false));
      log.info({ progress: `${i + 1}/${docs.length}`, file: basename(doc.path), template: record.meta.template }, "extracted");
    } catch (error) {
      log.warn({ progress: `${i + 1}/${docs.length}`, file: basename(doc.path), error: isPipelineError(error) ? error.code : String(error) }, "no record");
    }
  }
  const summary = summarize([...truths].map(([id, truth]) => ({ id, record: records.get(id) ?? null, truth })));
  process.stdout.write(values.json ? toJson(summary, false) : `${formatSummary(summary)}\n`);
  const min = values.min === undefined ? undefined : Number(values.min);
  return min !== undefined && summary.accuracy < min ? 1 : 0;
}
