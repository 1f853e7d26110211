/**
 * The parts of a zip-packaged document (DOCX, OFD), read from memory with yauzl under
 * the same zip-bomb limits `ingest` applies to archives (src/queue/inputs.ts): a bounded
 * number of entries, no part over the byte limit — by its header and by the bytes it
 * actually inflates to — and no large part with the compression ratio of a bomb.
 * Only the parts a reader asks for are inflated.
 */
import yauzl from "yauzl";
import { PipelineError } from "../../errors.js";
import { DEFAULT_LIMITS } from "../../queue/inputs.js";
import { nextEntry, readEntry } from "../_internal/zip-entries.js";

export interface ZipLimits {
  /** Most bytes one part may inflate to, and all parts read together. */
  maxBytes: number;
  maxEntries: number;
  /** Highest uncompressed/compressed ratio of a part larger than `ratioFloor`. */
  maxRatio: number;
}

/**
 * A part below this size is never a bomb whatever its ratio: XML of repeated empty
 * table cells compresses a hundredfold, and a small part costs nothing to inflate.
 */
const RATIO_FLOOR = 1024 * 1024;

export const DOCUMENT_ZIP_LIMITS: ZipLimits = { maxBytes: DEFAULT_LIMITS.maxBytes, maxEntries: 10_000, maxRatio: DEFAULT_LIMITS.maxRatio };

export interface ZipParts {
  /** Part names, as stored (forward slashes, no leading slash). */
  readonly names: string[];
  has(name: string): boolean;
  /** A part's bytes; throws ZIP_BOMB past the limits, DOCUMENT_CORRUPT when it cannot be inflated. */
  read(name: string): Promise<Buffer>;
  close(): void;
}

const corrupt = (input: string, detail: string, cause?: unknown) => new PipelineError("DOCUMENT_CORRUPT", `the ${detail}`, { input, cause });

/** Opens a zip held in memory; a file that is not a readable zip is DOCUMENT_CORRUPT (`what` names the format in messages). */
export async function openZip(bytes: Uint8Array, input: string, what: string, limits: ZipLimits = DOCUMENT_ZIP_LIMITS): Promise<ZipParts> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((ok, fail) => yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true }, (e, z) => (e ? fail(e) : ok(z))));
  } catch (error) {
    throw corrupt(input, `${what} file is not a readable zip package (${error instanceof Error ? error.message : String(error)}): damaged or truncated`, error);
  }
  const entries = new Map<string, yauzl.Entry>();
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) break;
      if (entries.size >= limits.maxEntries) throw new PipelineError("ZIP_BOMB", `the ${what} file holds more than ${limits.maxEntries} parts`, { input });
      if (!entry.fileName.endsWith("/")) entries.set(entry.fileName.replace(/^\/+/, ""), entry);
    }
  } catch (error) {
    zip.close();
    if (error instanceof PipelineError) throw error;
    throw corrupt(input, `${what} file's zip directory cannot be read (${error instanceof Error ? error.message : String(error)})`, error);
  }
  let inflated = 0;
  const read = async (name: string): Promise<Buffer> => {
    const entry = entries.get(name.replace(/^\/+/, ""));
    if (!entry) throw corrupt(input, `${what} file has no part ${name}`);
    if (entry.uncompressedSize > limits.maxBytes) {
      throw new PipelineError("ZIP_BOMB", `the ${what} file's part ${name} unpacks to ${entry.uncompressedSize} bytes, over the limit of ${limits.maxBytes}`, { input });
    }
    if (entry.uncompressedSize > RATIO_FLOOR && entry.uncompressedSize / Math.max(1, entry.compressedSize) > limits.maxRatio) {
      throw new PipelineError("ZIP_BOMB", `the ${what} file's part ${name} has a compression ratio of ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))}:1: a zip bomb`, { input });
    }
    // The limit holds for all parts together: this part may take what is left of it.
    const tooBig = () => new PipelineError("ZIP_BOMB", `the ${what} file's parts unpack to more than ${limits.maxBytes} bytes`, { input });
    const bytes = await readEntry(zip, entry, limits.maxBytes - inflated, tooBig).catch((error: unknown) => {
      if (error instanceof PipelineError) throw error;
      throw corrupt(input, `${what} file's part ${name} cannot be unpacked (${error instanceof Error ? error.message : String(error)})`, error);
    });
    inflated += bytes.length;
    return bytes;
  };
  return { names: [...entries.keys()], has: (name) => entries.has(name.replace(/^\/+/, "")), read, close: () => zip.close() };
}
