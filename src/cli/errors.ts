/** How the CLI reports failures: one line naming the input and the reason, and an exit code. */
import { ERROR_CODES, isPipelineError, PipelineError } from "../errors.js";

export function usageError(message: string): PipelineError {
  return new PipelineError("USAGE", message);
}

/** Prints the one-line message for an error and returns the exit code. Stack traces only with --verbose. */
export function reportError(error: unknown, verbose: boolean): number {
  if (isPipelineError(error)) {
    const where = error.input ? `${error.input}: ` : "";
    process.stderr.write(`nianbao: ${where}${error.message} [${error.code}]\n`);
    if (verbose && error.cause) process.stderr.write(`${String((error.cause as Error).stack ?? error.cause)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`nianbao: internal error: ${message} (this is a bug; rerun with --verbose for details)\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return 1;
}

export function exitCodeTable(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, { exit, summary }]) => `  ${String(exit).padStart(2)}  ${code.padEnd(18)} ${summary}`);
  return ["  0  OK                 a record was written (it may carry validation issues)", "  1  INTERNAL           a bug in nianbao", ...rows].join("\n");
}
