/**
 * A ZIP archive written front to back (PKWARE APPNOTE 6.3), for the XLSX export. Each
 * entry is added whole: a small one from memory, a large one from a file that already
 * holds its raw-deflated bytes (a `DeflatedFile`, filled while the dataset streams by).
 * Sizes and CRC are known before an entry's local header is written, so no data
 * descriptors are needed, and only the central directory (a few dozen bytes an entry) is
 * held until the end. ZIP64 fields are written where a size, an offset or the entry count
 * needs them (or for every entry, with `zip64: true`, which the tests use).
 */
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { once } from "node:events";
import { pipeline } from "node:stream/promises";
import type { TransformOptions } from "node:stream";
import { crc32, createDeflateRaw, deflateRawSync, type DeflateRaw, type ZlibOptions } from "node:zlib";

/** An entry's data, raw-deflated in a file, with what its headers need. */
export interface DeflatedData {
  path: string;
  crc: number;
  size: number;
  compressedSize: number;
}

/** Where the archive goes: a write that waits while the output is busy. */
export interface ZipOutput {
  write(chunk: Uint8Array): Promise<void>;
}

interface CentralEntry {
  name: Buffer;
  crc: number;
  size: number;
  compressedSize: number;
  offset: number;
}

const U32 = 0xffffffff;
const U16 = 0xffff;
const UTF8_NAMES = 0x0800;
const DEFLATE = 8;

/** MS-DOS date and time (local time, two-second resolution), as ZIP headers carry them. */
function dosDateTime(at: Date): { date: number; time: number } {
  const year = Math.max(at.getFullYear(), 1980);
  return {
    date: ((year - 1980) << 9) | ((at.getMonth() + 1) << 5) | at.getDate(),
    time: (at.getHours() << 11) | (at.getMinutes() << 5) | Math.floor(at.getSeconds() / 2),
  };
}

export class ZipWriter {
  private offset = 0;
  private readonly entries: CentralEntry[] = [];
  private readonly stamp: { date: number; time: number };
  private readonly forceZip64: boolean;

  constructor(
    private readonly out: ZipOutput,
    options: { zip64?: boolean; modified?: Date } = {},
  ) {
    this.forceZip64 = options.zip64 ?? false;
    this.stamp = dosDateTime(options.modified ?? new Date());
  }

  private async emit(chunk: Uint8Array): Promise<void> {
    this.offset += chunk.length;
    await this.out.write(chunk);
  }

  /** Adds an entry from memory (deflated here). */
  async addBuffer(name: string, data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    const deflated = deflateRawSync(bytes);
    await this.header(name, crc32(bytes), bytes.length, deflated.length);
    await this.emit(deflated);
  }

  /** Adds an entry whose raw-deflated data is in a file. */
  async addDeflated(name: string, data: DeflatedData): Promise<void> {
    await this.header(name, data.crc, data.size, data.compressedSize);
    let copied = 0;
    for await (const chunk of createReadStream(data.path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      copied += chunk.length;
      await this.emit(chunk);
    }
    if (copied !== data.compressedSize) throw new Error(`zip: ${name}: expected ${data.compressedSize} deflated bytes, read ${copied}`);
  }

  /** The local file header; the entry is remembered for the central directory. */
  private async header(name: string, crc: number, size: number, compressedSize: number): Promise<void> {
    const nameBytes = Buffer.from(name, "utf8");
    const zip64 = this.forceZip64 || size >= U32 || compressedSize >= U32;
    const extra = zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
    if (zip64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(16, 2);
      extra.writeBigUInt64LE(BigInt(size), 4);
      extra.writeBigUInt64LE(BigInt(compressedSize), 12);
    }
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(zip64 ? 45 : 20, 4);
    head.writeUInt16LE(UTF8_NAMES, 6);
    head.writeUInt16LE(DEFLATE, 8);
    head.writeUInt16LE(this.stamp.time, 10);
    head.writeUInt16LE(this.stamp.date, 12);
    head.writeUInt32LE(crc >>> 0, 14);
    head.writeUInt32LE(zip64 ? U32 : compressedSize, 18);
    head.writeUInt32LE(zip64 ? U32 : size, 22);
    head.writeUInt16LE(nameBytes.length, 26);
    head.writeUInt16LE(extra.length, 28);
    this.entries.push({ name: nameBytes, crc: crc >>> 0, size, compressedSize, offset: this.offset });
    await this.emit(Buffer.concat([head, nameBytes, extra]));
  }

  /** Writes the central directory and the end records. */
  async finish(): Promise<void> {
    const start = this.offset;
    for (const e of this.entries) {
      const big = { size: this.forceZip64 || e.size >= U32, compressed: this.forceZip64 || e.compressedSize >= U32, offset: this.forceZip64 || e.offset >= U32 };
      const fields = [big.size ? e.size : -1, big.compressed ? e.compressedSize : -1, big.offset ? e.offset : -1].filter((v) => v >= 0);
      const extra = Buffer.alloc(fields.length ? 4 + 8 * fields.length : 0);
      if (fields.length) {
        extra.writeUInt16LE(0x0001, 0);
        extra.writeUInt16LE(8 * fields.length, 2);
        fields.forEach((v, i) => extra.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
      }
      const zip64 = fields.length > 0;
      const head = Buffer.alloc(46);
      head.writeUInt32LE(0x02014b50, 0);
      head.writeUInt16LE(zip64 ? 45 : 20, 4); // made by: MS-DOS attributes, this version
      head.writeUInt16LE(zip64 ? 45 : 20, 6);
      head.writeUInt16LE(UTF8_NAMES, 8);
      head.writeUInt16LE(DEFLATE, 10);
      head.writeUInt16LE(this.stamp.time, 12);
      head.writeUInt16LE(this.stamp.date, 14);
      head.writeUInt32LE(e.crc, 16);
      head.writeUInt32LE(big.compressed ? U32 : e.compressedSize, 20);
      head.writeUInt32LE(big.size ? U32 : e.size, 24);
      head.writeUInt16LE(e.name.length, 28);
      head.writeUInt16LE(extra.length, 30);
      // comment length, disk number, internal and external attributes: 0
      head.writeUInt32LE(big.offset ? U32 : e.offset, 42);
      await this.emit(Buffer.concat([head, e.name, extra]));
    }
    const size = this.offset - start;
    const count = this.entries.length;
    const zip64 = this.forceZip64 || count >= U16 || size >= U32 || start >= U32;
    if (zip64) {
      const record = Buffer.alloc(56);
      record.writeUInt32LE(0x06064b50, 0);
      record.writeBigUInt64LE(44n, 4);
      record.writeUInt16LE(45, 12);
      record.writeUInt16LE(45, 14);
      // this disk, the directory's disk: 0
      record.writeBigUInt64LE(BigInt(count), 24);
      record.writeBigUInt64LE(BigInt(count), 32);
      record.writeBigUInt64LE(BigInt(size), 40);
      record.writeBigUInt64LE(BigInt(start), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(this.offset), 8);
      locator.writeUInt32LE(1, 16);
      await this.emit(Buffer.concat([record, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(zip64 ? U16 : count, 8);
    end.writeUInt16LE(zip64 ? U16 : count, 10);
    end.writeUInt32LE(zip64 ? U32 : size, 12);
    end.writeUInt32LE(zip64 ? U32 : start, 16);
    await this.emit(end);
  }
}

/**
 * A file of raw-deflated data, filled chunk by chunk: the CRC and size of the data are
 * counted as it goes, the deflating runs on the thread pool, and drained() waits when the
 * deflater or the disk is behind, so memory stays flat however much is written.
 */
export class DeflatedFile {
  private readonly deflate: DeflateRaw;
  private readonly file: WriteStream;
  private readonly done: Promise<void>;
  private crc = 0;
  private size = 0;

  constructor(
    readonly path: string,
    level = 6,
  ) {
    // A deep write buffer (zlib streams take the stream options too): the text of the next
    // rows is made while zlib deflates the last ones on the thread pool.
    const options: ZlibOptions & TransformOptions = { level, writableHighWaterMark: 1 << 20 };
    this.deflate = createDeflateRaw(options);
    this.file = createWriteStream(path);
    this.done = pipeline(this.deflate, this.file);
    // Awaited in end(); a failure before then surfaces in write() or end().
    this.done.catch(() => undefined);
  }

  /**
   * Hands bytes to the deflater, which owns them until it calls `done` (then they may be
   * written again). Synchronous: drained() waits while the deflater is behind.
   */
  push(bytes: Buffer, done?: () => void): void {
    this.crc = crc32(bytes, this.crc);
    this.size += bytes.length;
    this.deflate.write(bytes, done && ((error) => error || done()));
  }

  /** Waits while the deflater's buffer is full (memory stays flat); rejects if it or the file failed. */
  async drained(): Promise<void> {
    // A failure of the deflater or the file destroys the deflater with it: `done` rejects.
    if (this.deflate.destroyed) await this.done;
    else if (this.deflate.writableNeedDrain) await Promise.race([once(this.deflate, "drain"), this.done]);
  }

  /** Ends the data and returns what the archive needs to copy it. */
  async end(): Promise<DeflatedData> {
    this.deflate.end();
    await this.done;
    return { path: this.path, crc: this.crc >>> 0, size: this.size, compressedSize: (await stat(this.path)).size };
  }

  /** Stops writing and removes the file. */
  async discard(): Promise<void> {
    this.deflate.destroy();
    this.file.destroy();
    await this.done.catch(() => undefined);
    await rm(this.path, { force: true });
  }
}
