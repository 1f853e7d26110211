/**
 * The default store: a local (or network-mounted) directory, DATA_DIR.
 *
 *   DATA_DIR/blobs/ab/abcdef…            input bytes, by SHA-256
 *   DATA_DIR/records/<version>/ab/abcdef….json
 *
 * Every write goes to a temporary file in the same directory and is renamed into place,
 * so a reader (or a worker killed mid-write) never sees half a file, and two workers
 * writing the same key leave one whole file.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ReportRecord } from "../model/record.js";
import type { RecordKey, Store } from "./types.js";

const HASH = /^[0-9a-f]{64}$/;
const VERSION = /^[0-9A-Za-z.+_-]{1,64}$/;

export function sha256Of(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Writes a file whole or not at all: a temporary file in the same directory, renamed into place. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The JSON text a record is stored as: the CLI's own format, so files compare byte for byte. */
export function recordText(record: ReportRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

export class LocalStore implements Store {
  constructor(readonly root: string) {}

  private blobPath(sha256: string): string {
    if (!HASH.test(sha256)) throw new RangeError(`not a SHA-256: ${sha256}`);
    return join(this.root, "blobs", sha256.slice(0, 2), sha256);
  }

  private recordPath({ sha256, version }: RecordKey): string {
    if (!HASH.test(sha256)) throw new RangeError(`not a SHA-256: ${sha256}`);
    if (!VERSION.test(version)) throw new RangeError(`not a version: ${version}`);
    return join(this.root, "records", version, sha256.slice(0, 2), `${sha256}.json`);
  }

  async putBlob(bytes: Uint8Array): Promise<{ sha256: string; size: number }> {
    const sha256 = sha256Of(bytes);
    const path = this.blobPath(sha256);
    if (!(await exists(path))) await writeFileAtomic(path, bytes);
    return { sha256, size: bytes.length };
  }

  async getBlob(sha256: string): Promise<Uint8Array> {
    return readFile(this.blobPath(sha256));
  }

  hasBlob(sha256: string): Promise<boolean> {
    return exists(this.blobPath(sha256));
  }

  async putRecord(key: RecordKey, record: ReportRecord): Promise<void> {
    await writeFileAtomic(this.recordPath(key), recordText(record));
  }

  async getRecordText(key: RecordKey): Promise<string | null> {
    return readFile(this.recordPath(key), "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return null;
      throw error;
    });
  }

  async getRecord(key: RecordKey): Promise<ReportRecord | null> {
    const text = await this.getRecordText(key);
    return text === null ? null : (JSON.parse(text) as ReportRecord);
  }

  hasRecord(key: RecordKey): Promise<boolean> {
    return exists(this.recordPath(key));
  }
}
