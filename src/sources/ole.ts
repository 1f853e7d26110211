/**
 * OLE compound files, read with cfb (SheetJS's compound-file reader): the old binary
 * Word .doc and Kingsoft's .wps (a WordDocument stream, read by doc.ts), and the
 * container Office encrypts OOXML files into (an EncryptedPackage: DOCUMENT_ENCRYPTED).
 * A damaged one is DOCUMENT_CORRUPT; other OLE files (.xls, .ppt) UNSUPPORTED_FORMAT.
 */
import CFB from "cfb";
import { PipelineError } from "../errors.js";
import type { SourceContext, SourceResult } from "./types.js";

/** Opens the compound file's directory; a damaged one is DOCUMENT_CORRUPT. */
export function readCompoundFile(bytes: Uint8Array, input: string): CFB.CFB$Container {
  try {
    return CFB.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { type: "buffer" });
  } catch (error) {
    throw new PipelineError("DOCUMENT_CORRUPT", `the OLE compound file (.doc, .wps) is damaged or truncated (${error instanceof Error ? error.message : String(error)})`, { input, cause: error });
  }
}

/** A stream at the root of the container, by name. */
function rootStream(container: CFB.CFB$Container, name: string): CFB.CFB$Entry | null {
  const i = container.FullPaths.findIndex((p) => p.split("/").filter(Boolean).length === 2 && p.endsWith(`/${name}`));
  return i < 0 ? null : container.FileIndex[i]!;
}

export async function readOle(bytes: Uint8Array, ctx: SourceContext): Promise<SourceResult> {
  const container = readCompoundFile(bytes, ctx.name);
  // Office's encryption (MS-OFFCRYPTO): the real file in EncryptedPackage, the key data in EncryptionInfo.
  if (rootStream(container, "EncryptedPackage") && rootStream(container, "EncryptionInfo")) {
    throw new PipelineError("DOCUMENT_ENCRYPTED", "the Office file is encrypted with a password", { input: ctx.name });
  }
  const word = rootStream(container, "WordDocument");
  if (!word) throw new PipelineError("UNSUPPORTED_FORMAT", "the input is an OLE compound file without a Word document in it (an .xls, .ppt or other Office file)", { input: ctx.name });
  const content = word.content as Uint8Array | undefined;
  if (!content || content.length === 0) throw new PipelineError("DOCUMENT_CORRUPT", "the Word file's WordDocument stream is empty or cut off", { input: ctx.name });
  const { readDoc } = await import("./doc.js");
  return readDoc(wordOnly(container), content, ctx);
}

/**
 * The Word streams again, in a compound file cfb writes afresh: the text reader then
 * walks sector chains cfb has already followed and bounded, never the input's own
 * (a damaged file's chains may loop).
 */
function wordOnly(container: CFB.CFB$Container): Buffer {
  const clean = CFB.utils.cfb_new();
  for (const name of ["WordDocument", "0Table", "1Table"]) {
    const stream = rootStream(container, name);
    if (stream?.content) CFB.utils.cfb_add(clean, name, Buffer.from(stream.content as Uint8Array));
  }
  return CFB.write(clean, { type: "buffer" }) as Buffer;
}
