/** JSON Lines: one record per line, as the extractor wrote it (without provenance on request). */
import { RawJson } from "../read.js";
import type { Sink } from "../types.js";
import { AtomicFile } from "./file.js";
import type { SinkOptions } from "./index.js";

export function jsonlSink(options: SinkOptions): Sink {
  const file = new AtomicFile(options.out!);
  return {
    open: async () => void (await file.open()),
    write: async ({ record }) => {
      // JSON.stringify(record) (without its provenance on request), member by member: the
      // provenance, most of a record, stays one-byte text apart from the head's Chinese.
      let separator = "{";
      for (const [key, value] of Object.entries(record)) {
        if (key === "provenance" && options.provenance === false) continue;
        if (value instanceof RawJson) {
          // Read as text (index.ts): written as it is.
          await file.write(`${separator}${JSON.stringify(key)}:`);
          await file.writeBytes(value.bytes);
          separator = ",";
          continue;
        }
        const json = JSON.stringify(value) as string | undefined;
        if (json === undefined) continue;
        await file.write(`${separator}${JSON.stringify(key)}:`);
        await file.write(json);
        separator = ",";
      }
      await file.write(separator === "{" ? "{}\n" : "}\n");
    },
    close: () => file.commit(),
    abort: () => file.abort(),
  };
}
