/** Shared test helpers: paths to the repository, the shared corpus, and a CLI runner. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const SHARED = resolve(ROOT, "..", "shared");
export const CORPUS = join(SHARED, "corpus");
export const FIXTURES = join(ROOT, "fixtures");

/** The shared corpus sits beside the repository (../shared); tests that need it say so plainly. */
export function requireCorpus(): string {
  if (!existsSync(CORPUS)) throw new Error(`the shared corpus is missing: expected it at ${CORPUS} (../shared beside the repository)`);
  return CORPUS;
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
