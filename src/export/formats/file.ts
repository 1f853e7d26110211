/**
 * An output file written whole or not at all: the format writes a temporary file beside
 * the target, renamed into place when the export succeeds and removed when it fails or
 * is interrupted — a reader never sees half a dataset.
 *
 * Text goes into staging buffers of STAGE bytes (a ByteWriter, bytes.ts), each handed
 * to the file when full: an export writes many small pieces, and a buffer of their own
 * for each (what Buffer.from does) costs more than encoding them. A format that builds
 * its text as UTF-8 bytes already (a byte string) hands it over as it is.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { once } from "node:events";
import { ByteWriter } from "./bytes.js";

const STAGE = 1 << 20;

export class AtomicFile {
  readonly target: string;
  readonly temporary: string;
  private stream: WriteStream | undefined;
  /** The staged bytes; a buffer goes back to it once the stream has written it. */
  private readonly out = new ByteWriter(STAGE, (bytes, done) => this.stream!.write(bytes, (error) => error || done()));

  constructor(target: string) {
    this.target = resolve(target);
    this.temporary = join(dirname(this.target), `.${basename(this.target)}.${process.pid}.${randomBytes(4).toString("hex")}.partial`);
  }

  /** Creates the temporary file (and the target's directory) and returns its stream. */
  async open(): Promise<WriteStream> {
    await mkdir(dirname(this.target), { recursive: true });
    // Several staged chunks in flight: the next is filled while the last is written.
    this.stream = createWriteStream(this.temporary, { highWaterMark: 4 * STAGE });
    await once(this.stream, "open");
    return this.stream;
  }

  /** Writes text (as UTF-8) or bytes, waiting when the stream's buffer is full (memory stays flat). */
  async write(chunk: string | Uint8Array): Promise<void> {
    if (typeof chunk === "string") this.out.utf8(chunk);
    else {
      this.out.flush();
      this.stream!.write(chunk);
    }
    await this.drained();
  }

  /** Writes a byte string (bytes.ts: one character a byte, each below 256) as its bytes. */
  async writeBytes(text: string): Promise<void> {
    this.out.latin(text);
    await this.drained();
  }

  private async drained(): Promise<void> {
    if (this.stream!.writableNeedDrain) await once(this.stream!, "drain");
  }

  /** Ends the stream and renames the file into place. */
  async commit(): Promise<void> {
    this.out.flush();
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
