/**
 * The records' bytes between the export's two passes. The first pass reads every record
 * file whole to index it; what a format without provenance needs of it — the text
 * before the provenance member and the extractor member after it, an eighth of a stored
 * record — is appended here as it is read, and the second pass reads it back from this
 * one file instead of opening every record file again: what a format writes is then
 * exactly what the dataset was planned from.
 *
 * The file is created beside the output (or in the system's temporary directory) and
 * unlinked at once: it is reached through its descriptor only, and disappears with it
 * whatever ends the process.
 */
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

const STAGE = 1 << 20;

export class Spool {
  private readonly fd: number;
  /** The file's path while it could not be unlinked (removed at close). */
  private readonly path: string | undefined;
  private stage = Buffer.allocUnsafeSlow(STAGE);
  private staged = 0;
  private written = 0;
  private out = Buffer.allocUnsafeSlow(1 << 16);

  constructor(dir: string) {
    const path = join(dir, `.nianbao-export-${process.pid}-${randomBytes(4).toString("hex")}.spool`);
    this.fd = openSync(path, "wx+", 0o600);
    let kept: string | undefined;
    try {
      unlinkSync(path);
    } catch {
      kept = path;
    }
    this.path = kept;
  }

  /** Appends the bytes; returns where they start. */
  add(head: Uint8Array, tail: Uint8Array | null): number {
    const offset = this.written + this.staged;
    const length = head.length + (tail?.length ?? 0);
    if (length > STAGE - this.staged) {
      this.flush();
      if (length > STAGE) {
        this.put(head);
        if (tail) this.put(tail);
        return offset;
      }
    }
    this.stage.set(head, this.staged);
    if (tail) this.stage.set(tail, this.staged + head.length);
    this.staged += length;
    return offset;
  }

  private put(bytes: Uint8Array): void {
    for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done, bytes.length - done, this.written + done);
    this.written += bytes.length;
  }

  /** Writes out what is staged (before reading back). */
  flush(): void {
    if (this.staged === 0) return;
    const staged = this.staged;
    this.staged = 0;
    this.put(this.stage.subarray(0, staged));
  }

  /** The `length` bytes at `offset` (flushed), valid until the next read. */
  read(offset: number, length: number): Buffer {
    if (length > this.out.length) this.out = Buffer.allocUnsafeSlow(Math.max(length, this.out.length * 2));
    for (let done = 0; done < length; ) {
      const n = readSync(this.fd, this.out, done, length - done, offset + done);
      if (n === 0) throw new Error("the export's spool file is shorter than what was written to it");
      done += n;
    }
    return this.out.subarray(0, length);
  }

  close(): void {
    this.stage = Buffer.alloc(0);
    closeSync(this.fd);
    if (this.path) rmSync(this.path, { force: true });
  }
}
