/**
 * An output file written whole or not at all: the format writes a temporary file beside
 * the target, renamed into place when the export succeeds and removed when it fails or
 * is interrupted — a reader never sees half a dataset.
 *
 * Text is encoded into a staging buffer of STAGE bytes, which goes to the file when it
 * is full: an export writes many small pieces, and a buffer of their own for each (what
 * Buffer.from does) costs more than encoding them. A format that builds its text as
 * UTF-8 bytes already (bytes.ts) hands it over as it is.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { once } from "node:events";

const STAGE = 1 << 20;
const encoder = new TextEncoder();

export class AtomicFile {
  readonly target: string;
  readonly temporary: string;
  private stream: WriteStream | undefined;
  private stage: Buffer = Buffer.allocUnsafeSlow(STAGE);
  private staged = 0;
  /** Staging buffers the stream has written, for reuse (a new one each time would be garbage the collector does not hurry for). */
  private readonly spare: Buffer[] = [];

  constructor(target: string) {
    this.target = resolve(target);
    this.temporary = join(dirname(this.target), `.${basename(this.target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
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
    if (typeof chunk !== "string") {
      await this.flush();
      await this.push(chunk);
      return;
    }
    // At most three bytes a UTF-16 code unit.
    if (chunk.length * 3 > STAGE - this.staged) {
      await this.flush();
      if (chunk.length * 3 > STAGE) {
        await this.push(Buffer.from(chunk, "utf8"));
        return;
      }
    }
    this.staged += encoder.encodeInto(chunk, this.stage.subarray(this.staged)).written;
  }

  /** Writes a byte string (bytes.ts: one character a byte, each below 256) as its bytes. */
  async writeBytes(text: string): Promise<void> {
    if (text.length > STAGE - this.staged) {
      await this.flush();
      if (text.length > STAGE) {
        await this.push(Buffer.from(text, "latin1"));
        return;
      }
    }
    this.staged += this.stage.write(text, this.staged, "latin1");
  }

  /** Hands the staged bytes to the stream. */
  private async flush(): Promise<void> {
    if (this.staged === 0) return;
    const full = this.stage;
    const bytes = full.subarray(0, this.staged);
    this.stage = this.spare.pop() ?? Buffer.allocUnsafeSlow(STAGE);
    this.staged = 0;
    await this.push(bytes, () => this.spare.push(full));
  }

  private async push(bytes: Uint8Array, written?: () => void): Promise<void> {
    const more = this.stream!.write(bytes, written && ((error) => error || written()));
    if (!more) await once(this.stream!, "drain");
  }

  /** Ends the stream and renames the file into place. */
  async commit(): Promise<void> {
    await this.flush();
    if (this.stream && !this.stream.closed) {
      this.stream.end();
      await once(this.stream, "close");
    }
    await rename(this.temporary, this.target);
  }

  /** Removes the temporary file; the target is left as it was. */
  async abort(): Promise<void> {
    this.staged = 0;
    if (this.stream && !this.stream.closed) {
      this.stream.destroy();
      await once(this.stream, "close").catch(() => undefined);
    }
    await rm(this.temporary, { force: true });
  }
}
