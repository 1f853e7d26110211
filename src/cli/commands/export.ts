import { parseArgs } from "node:util";
import { PipelineError } from "../../errors.js";
import { FORMATS, type Format } from "../../export/formats/index.js";
import { KEEP_RULE, runExport } from "../../export/index.js";
import { readOrganAliases } from "../../export/organ.js";
import { createLogger } from "../../log.js";
import { queueSettings } from "../../queue/settings.js";
import { usageError } from "../errors.js";

export const help = `nianbao export [--from DIR]... --format FORMAT (--out FILE | --database-url URL) [options]

Exports report records as a dataset: one row per report (one per organ and year where
several sources print it), every column named by its cell path as in the record
(\`nianbao codebook\` is the data dictionary). Reads the store that ingest/worker fill
(DATA_DIR) or directories of records written by \`extract --out\`.

Formats:
  jsonl      one record per line (--no-provenance to slim it)
  csv        wide: one row per report, one column per cell; UTF-8 with BOM
  csv-long   tidy: one row per cell, with flagged and the issue codes naming it
  xlsx       a workbook: reports, one sheet per table, issues, findings, codebook
  parquet    the wide table with typed columns (--long: the tidy one)
  postgres   tables reports, cells, issues, findings (DATABASE_URL or --database-url)

Options:
      --from DIR          a store or a directory of records (repeatable; default DATA_DIR, else ./data)
      --format F          one of ${FORMATS.join(", ")}
  -o, --out FILE          the output file (written whole or not at all)
      --database-url URL  postgres: where (default DATABASE_URL)
      --labels zh         csv: a second header row with the Chinese row/column labels
      --no-provenance     jsonl: leave each record's provenance out
      --provenance        other formats: keep it (postgres: in reports.provenance)
      --long              parquet: one row per cell
      --findings FILE     also write the dataset findings as JSON Lines
      --organ-aliases F   organ names to merge (JSON {"alias": "name"} or "alias<TAB>name" lines)
  Filters:
      --year Y[,Y…]       statistics years (repeatable)
      --template T        2019, 2021 or none (repeatable)
      --organ TEXT        organs whose name (or normalised key) contains TEXT
      --clean             only records without error issues
      --all-versions      every extractor version of a source (default --latest: the newest only)
  -v, --verbose           stack traces for errors

Checks across the records (findings, summarised on stderr): 上年结转 of a year against
结转下年度 of the year before for the same organ (CARRY_OVER_MISMATCH); several sources of
one organ and year, the same (DUPLICATE_AGREES: one row lists them) or not
(DUPLICATE_DISAGREES, the kept one by the rule: ${KEEP_RULE}).

Exit code 0, 14 (EXPORT_PARTIAL) when some files were not records (they are named),
15 (DATABASE_UNAVAILABLE) when PostgreSQL cannot be reached.
`;

function years(values: string[] | undefined): number[] | undefined {
  if (!values) return undefined;
  const out = values.flatMap((v) => v.split(",")).map((v) => Number(v.trim()));
  for (const y of out) if (!Number.isInteger(y) || y < 1990 || y > 2100) throw usageError(`--year takes years such as 2023, got ${values.join(",")}`);
  return out;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: "string", multiple: true },
      format: { type: "string" },
      out: { type: "string", short: "o" },
      "database-url": { type: "string" },
      labels: { type: "string" },
      "no-provenance": { type: "boolean", default: false },
      provenance: { type: "boolean", default: false },
      long: { type: "boolean", default: false },
      findings: { type: "string" },
      "organ-aliases": { type: "string" },
      year: { type: "string", multiple: true },
      template: { type: "string", multiple: true },
      organ: { type: "string" },
      clean: { type: "boolean", default: false },
      latest: { type: "boolean", default: false },
      "all-versions": { type: "boolean", default: false },
      verbose: { type: "boolean", short: "v", default: false },
    },
  });
  const format = values.format as Format | undefined;
  if (!format || !FORMATS.includes(format)) throw usageError(`--format must be one of ${FORMATS.join(", ")}${values.format ? `, got ${values.format}` : ""}`);
  const databaseUrl = values["database-url"] ?? process.env.DATABASE_URL;
  if (format === "postgres" && !databaseUrl) throw usageError("--format postgres needs --database-url or DATABASE_URL");
  if (format !== "postgres" && !values.out) throw usageError(`--format ${format} needs --out FILE`);
  if (values.labels !== undefined && values.labels !== "zh") throw usageError(`--labels takes zh, got ${values.labels}`);
  if (values.latest && values["all-versions"]) throw usageError("--latest and --all-versions exclude each other");
  const templates = values.template?.map((t) => (t === "none" ? null : t));
  if (templates?.some((t) => t !== null && t !== "2019" && t !== "2021")) throw usageError(`--template takes 2019, 2021 or none, got ${values.template!.join(",")}`);

  const log = createLogger({ cmd: "export" });
  const from = values.from ?? [queueSettings().dataDir];
  const aliases = values["organ-aliases"] ? await readOrganAliases(values["organ-aliases"]) : undefined;
  // Ctrl-C or a TERM: stop, and let the sink remove what it wrote.
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => controller.abort(new PipelineError("INTERRUPTED", `stopped by ${signal}; no partial output was left`));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    const summary = await runExport({
      from,
      format,
      sink: {
        out: values.out,
        labels: values.labels as "zh" | undefined,
        provenance: values["no-provenance"] ? false : values.provenance ? true : undefined,
        long: values.long,
        databaseUrl,
      },
      aliases,
      findingsFile: values.findings,
      years: years(values.year),
      templates,
      organ: values.organ,
      clean: values.clean,
      latest: !values["all-versions"],
      log,
      signal: controller.signal,
    });
    const lines = [
      `exported ${summary.rows} report${summary.rows === 1 ? "" : "s"} from ${summary.files} file${summary.files === 1 ? "" : "s"} to ${format === "postgres" ? "PostgreSQL" : values.out} in ${(summary.ms / 1000).toFixed(1)} s`,
      `left out: ${summary.left.olderVersions} older extractor versions, ${summary.left.filtered} filtered, ${summary.left.duplicates} duplicate sources of an organ and year`,
      `findings: ${summary.findings.CARRY_OVER_MISMATCH} carry-over mismatches, ${summary.findings.DUPLICATE_DISAGREES} disagreeing duplicates, ${summary.findings.DUPLICATE_AGREES} agreeing duplicates${values.findings ? ` (listed in ${values.findings})` : ""}`,
      ...(summary.problems.length ? [`not records (skipped): ${summary.problems.length}`, ...summary.problems.slice(0, 20).map((p) => `  ${p.path}: ${p.reason}`), ...(summary.problems.length > 20 ? [`  … ${summary.problems.length - 20} more`] : [])] : []),
    ];
    process.stderr.write(`${lines.join("\n")}\n`);
    if (summary.problems.length > 0) throw new PipelineError("EXPORT_PARTIAL", `${summary.problems.length} file(s) were not records and were skipped`);
    return 0;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
