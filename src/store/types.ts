/**
 * Storage by content. Inputs are kept as blobs named by the SHA-256 of their bytes;
 * records are kept under the same hash and the extractor version that made them. Job
 * payloads carry only these keys, never bytes.
 *
 * Deliberately left out: listing, deletion and metadata. The store holds what was
 * submitted and what came of it; queues and logs say the rest.
 */
import type { ReportRecord } from "../model/record.js";

export interface BlobStore {
  /** Stores bytes (once: a blob that exists is not written again) and returns their hash. */
  putBlob(bytes: Uint8Array): Promise<{ sha256: string; size: number }>;
  getBlob(sha256: string): Promise<Uint8Array>;
  hasBlob(sha256: string): Promise<boolean>;
}

export interface RecordKey {
  sha256: string;
  version: string;
}

export interface RecordStore {
  /** Writes the record atomically (whole or not at all); writing the same key again replaces it. */
  putRecord(key: RecordKey, record: ReportRecord): Promise<void>;
  getRecord(key: RecordKey): Promise<ReportRecord | null>;
  /** The stored JSON text exactly as written (for byte-for-byte comparisons and exports). */
  getRecordText(key: RecordKey): Promise<string | null>;
  hasRecord(key: RecordKey): Promise<boolean>;
}

export type Store = BlobStore & RecordStore;
