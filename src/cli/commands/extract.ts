import { basename, extname } from "node:path";
import { stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { createLogger } from "../../log.js";
import { extractFile } from "../../pipeline.js";
import { reportError, usageError } from "../errors.js";
import { toJson, writeAtomic } from "../output.js";

export const help = `nianbao extract FILE... [options]

Extracts each report (PDF, scan or image, HTML page, Word, WPS or OFD file, text) into a record.
With one FILE and no --out, the record is printed on stdout; with several, one JSON
line per record. With --out DIR, each record is written to DIR/<id>.json.

Options:
  -o, --out DIR        write DIR/<id>.json (id = file name without extension; with the
                       extension where two inputs share a name, so none is overwritten)
      --compact        one-line JSON
      --no-provenance  leave out the per-cell provenance map
      --max-bytes N    refuse inputs larger than N bytes (default 256 MiB)
      --ocr MODE       auto (default): OCR pages without a usable text layer and images;
                       always: OCR every page; never: refuse what needs OCR
      --ocr-dpi N      resolution pages are rendered at for OCR (default 300)
      --ocr-workers N  OCR engines working in parallel (default: one per core)
      --assets DIR     where a saved HTML page's pictures are, when its tables are
                       pictures (besides <page>_files/ next to the page; data: URLs
                       are read from the page itself)
  -v, --verbose        stack traces for errors
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: "string", short: "o" },
      compact: { type: "boolean", default: false },
      "no-provenance": { type: "boolean", default: false },
      "max-bytes": { type: "string" },
      ocr: { type: "string", default: "auto" },
      "ocr-dpi": { type: "string" },
      "ocr-workers": { type: "string" },
      assets: { type: "string" },
      verbose: { type: "boolean", short: "v", default: false },
    },
  });
  if (positionals.length === 0) throw usageError("extract needs at least one FILE");
  const maxBytes = values["max-bytes"] === undefined ? undefined : Number(values["max-bytes"]);
  if (maxBytes !== undefined && !(maxBytes > 0)) throw usageError(`--max-bytes must be a positive number, got ${values["max-bytes"]}`);
  const ocr = values.ocr as "auto" | "always" | "never";
  if (!["auto", "always", "never"].includes(ocr)) throw usageError(`--ocr must be auto, always or never, got ${values.ocr}`);
  const ocrDpi = values["ocr-dpi"] === undefined ? undefined : Number(values["ocr-dpi"]);
  if (ocrDpi !== undefined && !(ocrDpi >= 72 && ocrDpi <= 600)) throw usageError(`--ocr-dpi must be between 72 and 600, got ${values["ocr-dpi"]}`);
  if (values["ocr-workers"] !== undefined) {
    const workers = Number(values["ocr-workers"]);
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw usageError(`--ocr-workers must be a whole number from 1 to 64, got ${values["ocr-workers"]}`);
    process.env.NIANBAO_OCR_WORKERS = String(workers); // read when the pool first starts
  }
  if (values.assets !== undefined && !(await isDirectory(values.assets))) throw usageError(`--assets must be a directory, got ${values.assets}`);
  const log = createLogger({ cmd: "extract" });
  const compact = values.compact || (positionals.length > 1 && !values.out);
  const outNames = outputNames(positionals);
  let exitCode = 0;
  for (const [i, file] of positionals.entries()) {
    try {
      const record = await extractFile(file, { provenance: !values["no-provenance"], log, ocr, ...(maxBytes ? { maxBytes } : {}), ...(ocrDpi ? { ocrDpi } : {}) }, { assets: values.assets });
      const json = toJson(record, compact);
      if (values.out) {
        const target = await writeAtomic(values.out, outNames[i]!, json);
        log.info({ file, out: target, progress: `${i + 1}/${positionals.length}`, template: record.meta.template, issues: record.issues.length }, "record written");
      } else {
        process.stdout.write(json);
        log.info({ file, progress: `${i + 1}/${positionals.length}`, template: record.meta.template, issues: record.issues.length }, "record extracted");
      }
    } catch (error) {
      const code = reportError(error, values.verbose);
      if (exitCode === 0) exitCode = code;
    }
  }
  return exitCode;
}

/**
 * The record file of each input: `<name without extension>.json`, or, where two inputs
 * of the run share that name (report.pdf and report.html, or a/report.pdf and
 * b/report.pdf), the full file name, then the index, so that no record overwrites another.
 */
function outputNames(files: string[]): string[] {
  const stem = (f: string) => basename(f, extname(f));
  const count = (names: string[], n: string) => names.filter((x) => x === n).length;
  const stems = files.map(stem);
  const names = files.map((f, i) => (count(stems, stems[i]!) > 1 ? basename(f) : stems[i]!));
  return names.map((n, i) => `${count(names, n) > 1 ? `${n}-${i + 1}` : n}.json`);
}

const isDirectory = (path: string) => stat(path).then((s) => s.isDirectory(), () => false);
