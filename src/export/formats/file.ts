/**
 * An output file written whole or not at all: the format writes a temporary file beside
 * the target, renamed into place when the export succeeds and removed when it fails or
 * is interrupted — a reader never sees half a dataset.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { once } from "node:events";

export class AtomicFile {
  readonly target: string;
  readonly temporary: string;
  private stream: WriteStream | undefined;

  constructor(target: string) {
    this.target = resolve(target);
    this.temporary = join(dirname(this.target), `.${basename(this.target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  }

  /** Creates the temporary file (and the target's directory) and returns its stream. */
  async open(): Promise<WriteStream> {
    await mkdir(dirname(this.target), { recursive: true });
    // A large buffer: an export writes many small rows, and waiting for each drain idles.
    this.stream = createWriteStream(this.temporary, { highWaterMark: 1 << 20 });
    await once(this.stream, "open");
    return this.stream;
  }

  /** Writes a chunk, waiting when the stream's buffer is full (memory stays flat). */
  async write(chunk: string | Uint8Array): Promise<void> {
    if (!this.stream!.write(chunk)) await once(this.stream!, "drain");
  }

  /** Ends the stream and renames the file into place. */
  async commit(): Promise<void> {
    if (this.stream && !this.stream.closed) {
      this.stream.end();
      await once(this.stream, "close");
    }
    await rename(this.temporary, this.target);
  }

  /** Removes the temporary file; the target is left as it was. */
  async abort(): Promise<void> {
    if (this.stream && !this.stream.closed) {
      this.stream.destroy();
      await once(this.stream, "close").catch(() => undefined);
    }
    await rm(this.temporary, { force: true });
  }
}
