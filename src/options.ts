/** Options of the extractor, with their defaults in one place. */
import type { Logger } from "./log.js";

export interface ExtractOptions {
  /**
   * Include the per-cell `provenance` map (page and box, table/row/column or line,
   * and the raw text of every value).
   * @defaultValue true
   */
  provenance?: boolean;
  /**
   * Inputs larger than this many bytes are refused with INPUT_TOO_LARGE.
   * @defaultValue 268435456 (256 MiB)
   */
  maxBytes?: number;
  /** Logger for progress and diagnostics; silent when omitted. */
  log?: Logger;
}

export const DEFAULTS = {
  provenance: true,
  maxBytes: 256 * 1024 * 1024,
} as const;

export type ResolvedOptions = Required<Omit<ExtractOptions, "log">> & Pick<ExtractOptions, "log">;

export function resolveOptions(options: ExtractOptions = {}): ResolvedOptions {
  const resolved = { ...DEFAULTS, ...options };
  if (!Number.isFinite(resolved.maxBytes) || resolved.maxBytes <= 0) throw new RangeError(`maxBytes must be a positive number, got ${resolved.maxBytes}`);
  return resolved;
}
