import { stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { Queue, QueueEvents } from "bullmq";
import { PipelineError } from "../../errors.js";
import { createLogger } from "../../log.js";
import { redisConnection } from "../../queue/connection.js";
import { collectInputs, DEFAULT_LIMITS, isProblem, type Input, type InputProblem } from "../../queue/inputs.js";
import { QUEUES, type JobExtractOptions } from "../../queue/jobs.js";
import { collectPictures } from "../../queue/pictures.js";
import { progressReporter, tally, waitForJobs, type Outcome } from "../../queue/progress.js";
import { submitBatch } from "../../queue/submit.js";
import { LocalStore } from "../../store/local.js";
import { EXTRACTOR } from "../../version.js";
import { usageError } from "../errors.js";
import { ensureReachable, QUEUE_HELP, QUEUE_OPTIONS, settingsFrom } from "./queue-options.js";

export const help = `nianbao ingest PATH... [options]

Submits reports to the queue for the workers (\`nianbao worker\`) and, unless
--no-wait, shows progress and waits for them. PATH may be a file, a directory (read
recursively), a glob ("reports/**/*.pdf") or a zip archive (each entry is an input;
unsafe paths, oversized entries and zip bombs are refused). Inputs are stored by
content first; the same content submitted twice makes one job and one record.

An HTML page whose tables are pictures is submitted with its pictures, taken as
extract takes them: beside the page (its src as a path, or <page>_files/ as a
browser saves it; inside an archive, among the archive's entries) or in --assets DIR,
never from elsewhere. They are stored by content too, and the page with its pictures
is one document: the same page with other pictures is another job and record. The
files of a saved page's <page>_files/ folder are the page's, not documents of their
own (but a file named on the command line always is one).

The extract options below travel with each job: the workers extract it with them
(an option left out is the worker's: NIANBAO_MAX_BYTES, NIANBAO_OCR, NIANBAO_OCR_DPI).
A duplicate keeps the options of its first job; --force extracts it again with these.

Options:
      --no-wait        submit and exit
      --force          extract again documents that were already extracted
      --json           print the summary as JSON
      --max-bytes N    refuse inputs larger than N bytes (default: NIANBAO_MAX_BYTES, else 256 MiB)
      --ocr MODE       auto: OCR pages without a usable text layer and images;
                       always: OCR every page; never: refuse what needs OCR
      --ocr-dpi N      resolution pages are rendered at for OCR (72 to 600)
      --assets DIR     where saved HTML pages' pictures may also be (by the src's URL
                       path, or its file name), when their tables are pictures
${QUEUE_HELP}

Exit code 0 when every input was extracted (issues or not), 12 when some failed or
could not be submitted, 13 when Redis cannot be reached.
`;

/** The extract options set on the command line, checked as `extract` checks them. */
function extractOptions(values: { "max-bytes"?: string | undefined; ocr?: string | undefined; "ocr-dpi"?: string | undefined }): JobExtractOptions {
  const options: JobExtractOptions = {};
  if (values["max-bytes"] !== undefined) {
    const maxBytes = Number(values["max-bytes"]);
    if (!(maxBytes > 0)) throw usageError(`--max-bytes must be a positive number, got ${values["max-bytes"]}`);
    options.maxBytes = maxBytes;
  }
  if (values.ocr !== undefined) {
    if (values.ocr !== "auto" && values.ocr !== "always" && values.ocr !== "never") throw usageError(`--ocr must be auto, always or never, got ${values.ocr}`);
    options.ocr = values.ocr;
  }
  if (values["ocr-dpi"] !== undefined) {
    const ocrDpi = Number(values["ocr-dpi"]);
    if (!(ocrDpi >= 72 && ocrDpi <= 600)) throw usageError(`--ocr-dpi must be between 72 and 600, got ${values["ocr-dpi"]}`);
    options.ocrDpi = ocrDpi;
  }
  return options;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...QUEUE_OPTIONS,
      "no-wait": { type: "boolean", default: false },
      force: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      "max-bytes": { type: "string" },
      ocr: { type: "string" },
      "ocr-dpi": { type: "string" },
      assets: { type: "string" },
    },
  });
  if (positionals.length === 0) throw usageError("ingest needs at least one PATH");
  if (values.assets !== undefined && !(await stat(values.assets).then((s) => s.isDirectory(), () => false))) throw usageError(`--assets must be a directory, got ${values.assets}`);
  const options = extractOptions(values);
  const settings = settingsFrom(values);
  const maxBytes = options.maxBytes ?? settings.maxBytes;
  const log = createLogger({ cmd: "ingest" });
  const connection = redisConnection(settings.redisUrl, "client");
  await ensureReachable(connection, settings.redisUrl);
  const queue = new Queue(QUEUES.extract, { connection, prefix: settings.prefix });
  // Listening before submitting: no completion can slip by unseen.
  const eventsConnection = redisConnection(settings.redisUrl, "worker");
  const events = new QueueEvents(QUEUES.extract, { connection: eventsConnection, prefix: settings.prefix });
  if (!values["no-wait"]) await events.waitUntilReady();
  const store = new LocalStore(settings.dataDir);
  try {
    const names = new Map<string, string[]>();
    const problems: InputProblem[] = [];
    let duplicates = 0;
    let resources = 0;
    let batch: Input[] = [];
    const flush = async () => {
      for (const s of await submitBatch(batch, { queue, store, settings, version: EXTRACTOR.version, force: values.force, options, log })) {
        if (s.duplicate || names.has(s.jobId)) duplicates++;
        names.set(s.jobId, [...(names.get(s.jobId) ?? []), s.name]);
      }
      batch = [];
    };
    const onResources = (folder: string, page: string, files: number) => {
      resources += files;
      log.info({ folder, page, files }, "a saved page's folder: its files are the page's, not documents");
    };
    for await (const input of collectInputs(positionals, { ...DEFAULT_LIMITS, maxBytes }, { assets: values.assets, onResources })) {
      if (isProblem(input)) {
        problems.push(input);
        log.warn({ input: input.name, reason: input.reason }, "not submitted");
        continue;
      }
      // Had now, while the input's folder or archive is at hand: the pictures its extraction will ask for.
      const carried = input.pictures ? await collectPictures(input, input.pictures, { store, maxBytes, log }) : null;
      batch.push({ ...input, carried });
      if (batch.length >= 100) await flush();
    }
    await flush();
    const ids = [...names.keys()];
    log.info({ jobs: ids.length, duplicates, problems: problems.length }, "submitted");
    let outcomes = new Map<string, Outcome>();
    if (!values["no-wait"]) {
      const report = progressReporter(log);
      outcomes = await waitForJobs(queue, events, ids, (o) => report(tally(o, ids.length)), log);
    }
    const t = tally(outcomes, ids.length);
    const failures = [...outcomes].filter(([, o]) => o.state === "failed").map(([id, o]) => ({ names: names.get(id)!, reason: o.state === "failed" ? o.reason : "" }));
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ submitted: ids.length, duplicates, pageFolderFiles: resources, waited: !values["no-wait"], ...t, failures, notSubmitted: problems, recordsIn: `${settings.dataDir}/records/${EXTRACTOR.version}` }, null, 2)}\n`);
    } else {
      const lines = [`submitted ${ids.length} document${ids.length === 1 ? "" : "s"} (${duplicates} duplicate input${duplicates === 1 ? "" : "s"}), ${problems.length} not submitted`];
      if (resources > 0) lines.push(`${resources} file${resources === 1 ? "" : "s"} in saved pages' <page>_files/ folders: the pages' own, not submitted as documents`);
      if (!values["no-wait"]) lines.push(`done ${t.done}, done with issues ${t.withIssues}, failed ${t.failed}`);
      if (failures.length) lines.push("failed:", ...failures.map((f) => `  ${f.names.join(", ")}: ${f.reason}`));
      if (problems.length) lines.push("not submitted:", ...problems.map((p) => `  ${p.name}: ${p.reason}`));
      lines.push(`records: ${settings.dataDir}/records/${EXTRACTOR.version}/`);
      process.stdout.write(`${lines.join("\n")}\n`);
    }
    if (t.failed > 0 || problems.length > 0) throw new PipelineError("INGEST_FAILED", `${t.failed} failed, ${problems.length} not submitted`);
    return 0;
  } finally {
    await Promise.all([queue.close(), events.close()]);
    connection.disconnect();
    eventsConnection.disconnect();
  }
}
