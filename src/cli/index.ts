/**
 * The `nianbao` command line: parses the subcommand, runs it, sets the exit code.
 * Subcommands load lazily, so `nianbao schema` never loads pdf.js.
 */
import { reportError, exitCodeTable } from "./errors.js";

type Command = { help: string; run: (argv: string[]) => Promise<number> };

const COMMANDS: Record<string, () => Promise<Command>> = {
  extract: () => import("./commands/extract.js"),
  schema: () => import("./commands/schema.js"),
  codebook: () => import("./commands/codebook.js"),
  export: () => import("./commands/export.js"),
  eval: () => import("./commands/eval.js"),
  crawl: () => import("./commands/crawl.js"),
  ingest: () => import("./commands/ingest.js"),
  worker: () => import("./commands/worker.js"),
  status: () => import("./commands/status.js"),
  "retry-failed": () => import("./commands/retry-failed.js"),
};

const USAGE = `nianbao — government information-disclosure annual reports (政府信息公开工作年度报告) → data

Usage:
  nianbao extract FILE... [--out DIR]   extract report records (PDF, HTML, text)
  nianbao schema                        print the record's JSON Schema
  nianbao codebook [--format md|json|csv]  the data dictionary of every table cell
  nianbao export --format F --out FILE  the records as a dataset (jsonl, csv, csv-long, xlsx, parquet, postgres)
  nianbao eval DIR [--truth DIR]        score extraction against truth files
  nianbao crawl URL... [--out DIR]      find and extract a site's reports (in-process)
  nianbao crawl --sites FILE [--schedule CRON]  crawl many sites with the workers, on a schedule
  nianbao ingest PATH... [--no-wait]    submit files, directories, globs, zips to the queue
  nianbao worker                        run a queue worker (Redis: REDIS_URL, store: DATA_DIR)
  nianbao status                        jobs per state, latest failures
  nianbao retry-failed                  queue failed documents again
  nianbao help COMMAND                  options of a command

Exit codes:
${exitCodeTable()}
`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h") {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  if (name === "help") {
    const target = rest[0] ? COMMANDS[rest[0]] : undefined;
    process.stdout.write(target ? (await target()).help : USAGE);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`nianbao: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  const command = await load();
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options.
    if ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`nianbao: ${(error as Error).message}\n\n${command.help}`);
      return 2;
    }
    return reportError(error, rest.includes("--verbose") || rest.includes("-v"));
  }
}

// Output piped into `head` and the like: a closed pipe ends the output, not the process with a trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

/** OCR workers are threads: stop them, or the process would wait for them. */
async function shutdown(): Promise<void> {
  const { closeSharedOcrPool } = await import("../sources/_internal/tesseract.js");
  await closeSharedOcrPool();
}

main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.exitCode = reportError(error, true);
    },
  )
  .finally(shutdown);
