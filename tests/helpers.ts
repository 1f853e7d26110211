/** Shared test helpers: paths to the repository, the shared corpus (and skipping without it), a scorer and a CLI runner. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, type ErrorCode } from "../src/errors.js";
import { listTruths } from "../src/eval/corpus.js";
import { scorePair, summarize, type ScoreSummary } from "../src/eval/score.js";
import type { ExtractOptions } from "../src/options.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const SHARED = resolve(ROOT, "..", "shared");
export const CORPUS = join(SHARED, "corpus");
export const FIXTURES = join(ROOT, "fixtures");

/**
 * Whether the shared corpus (../shared/corpus) sits beside the repository. CI always has
 * it; a clone on its own does not, and then the tests that read it are skipped, with the
 * reason in their title (see describeCorpus/itCorpus). Everything else lives in the project.
 */
export const HAS_CORPUS = existsSync(CORPUS);
/** Why a corpus test was skipped: shown in its title. */
export const NO_CORPUS = `skipped: needs the shared corpus at ${CORPUS} (../shared beside the repository), which is missing`;

/** describe() for tests that read ../shared/corpus: run when it is there, else one skipped test says why. */
export function describeCorpus(name: string, fn: () => void): void {
  // A skipped describe still runs its body to collect tests, and a body may read the corpus.
  if (HAS_CORPUS) describe(name, fn);
  else describe.skip(`${name} [${NO_CORPUS}]`, () => it("its tests read ../shared/corpus", () => undefined));
}

/** it() for one test that reads ../shared/corpus inside a describe that does not. */
export function itCorpus(name: string, fn: () => unknown, timeout?: number): void {
  it.skipIf(!HAS_CORPUS)(HAS_CORPUS ? name : `${name} [${NO_CORPUS}]`, async () => { await fn(); }, timeout);
}

/** A corpus file's text, read at module level; "" when the corpus is missing (its tests are skipped then). */
export function corpusText(name: string): string {
  return HAS_CORPUS ? readFileSync(join(CORPUS, name), "utf8") : "";
}

/**
 * A corpus JSON file (a truth), parsed at module level. When the corpus is missing, a
 * stand-in where every property is again a stand-in that reads as 0, so module-level
 * code built from a truth still loads — the tests that use it are skipped.
 */
export function corpusJson<T>(name: string): T {
  if (HAS_CORPUS) return JSON.parse(readFileSync(join(CORPUS, name), "utf8")) as T;
  const standIn: object = new Proxy({}, { get: (_t, key) => (key === Symbol.toPrimitive ? () => 0 : typeof key === "symbol" || key === "then" ? undefined : standIn) });
  return standIn as T;
}

/**
 * Scores the records of a directory against its truth files: with the shared scorer
 * (../shared/tools/score.mjs, the contract's own) when it is beside the repository, else
 * with the project's implementation of the same rules (src/eval/score.ts).
 */
export function scoreRecords(records: string, truth: string): ScoreSummary {
  const shared = join(SHARED, "tools/score.mjs");
  if (existsSync(shared)) {
    const run = spawnSync(process.execPath, [shared, "--records", records, "--truth", truth, "--json"], { encoding: "utf8" });
    return JSON.parse(run.stdout) as ScoreSummary;
  }
  const recordOf = (id: string) => (existsSync(join(records, `${id}.json`)) ? (JSON.parse(readFileSync(join(records, `${id}.json`), "utf8")) as Record<string, unknown>) : null);
  return summarize([...listTruths(truth)].map(([id, t]) => ({ id, record: recordOf(id), truth: t })));
}

/**
 * Extracts a file and scores its record against a truth: by default the one beside it
 * (`<name>.truth.json`). The pipeline is loaded on first use, not by every test file
 * that imports these helpers.
 */
export async function extractScored(file: string, options: ExtractOptions = {}, truthFile = file.replace(/\.[^./]+$/, ".truth.json")) {
  const { extractFile } = await import("../src/pipeline.js");
  const record = await extractFile(file, options);
  const truth = JSON.parse(readFileSync(truthFile, "utf8")) as Record<string, unknown>;
  return { record, truth, score: scorePair(record as unknown as Record<string, unknown>, truth) };
}

/** A fresh temporary directory under the run's root (tests/global-setup.ts removes it). */
export function tempDir(prefix = "dir-"): string {
  return mkdtempSync(join(process.env.NIANBAO_TEST_TMP ?? tmpdir(), prefix));
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from source (through tsx), as a user would run the built one. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const result = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/index.ts"), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, LOG_LEVEL: "warn", ...options.env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `nianbao extract --out DIR FILE` refused a bad file as a user must see it: the error's
 * exit code, one `nianbao:` line naming the file, the code and what is wrong, no stack
 * trace, and nothing written.
 */
export function expectRefused(file: string, code: ErrorCode, message: RegExp): void {
  const out = tempDir("refused-");
  const result = runCli(["extract", "--out", out, file]);
  expect(result.status).toBe(ERROR_CODES[code].exit);
  const messages = result.stderr.split("\n").filter((l) => l.startsWith("nianbao:"));
  expect(messages).toHaveLength(1);
  expect(messages[0]).toMatch(message);
  expect(messages[0]).toContain(`[${code}]`);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(readdirSync(out)).toEqual([]);
}

/** A port on 127.0.0.1 where nothing listens now (for a server to start on, or to find closed). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
