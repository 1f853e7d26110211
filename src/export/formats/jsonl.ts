/** JSON Lines: one record per line, as the extractor wrote it (without provenance on request). */
import type { Sink } from "../types.js";
import { AtomicFile } from "./file.js";
import type { SinkOptions } from "./index.js";

export function jsonlSink(options: SinkOptions): Sink {
  const file = new AtomicFile(options.out!);
  return {
    open: async () => void (await file.open()),
    write: async ({ record }) => {
      const { provenance, ...rest } = record;
      await file.write(`${JSON.stringify(options.provenance === false || provenance === undefined ? rest : record)}\n`);
    },
    close: () => file.commit(),
    abort: () => file.abort(),
  };
}
