import { pino, type Logger } from "pino";

/**
 * The project's logger: pino JSON on stderr (fd 2), so stdout stays free for results.
 * LOG_LEVEL overrides the level (default "info"; "silent" turns logs off).
 */
export function createLogger(bindings: Record<string, unknown> = {}, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({ level, base: { pid: process.pid, ...bindings } }, pino.destination({ fd: 2, sync: true }));
}

export type { Logger };
