import { PipelineError } from "../errors.js";
import { decodeText, junkRatio } from "./decode.js";
import { looksLikeHtml, sniffFormat } from "./detect.js";
import { readText } from "./text.js";
import type { SourceContext, SourceResult } from "./types.js";

export type { SourceContext, SourceResult } from "./types.js";

/**
 * Picks the backend for the bytes by their content and runs it. Each backend is loaded
 * lazily, so a run loads only what its input needs: text and HTML runs never import
 * pdf.js, a PDF run never imports the HTML parser.
 */
export async function readSource(bytes: Uint8Array, ctx: SourceContext): Promise<SourceResult> {
  if (bytes.length === 0) throw new PipelineError("INPUT_EMPTY", "the file is empty (0 bytes)", { input: ctx.name });
  const format = sniffFormat(bytes);
  switch (format) {
    case "pdf": {
      const { readPdf } = await import("./pdf.js");
      return readPdf(bytes, ctx);
    }
    case "image": {
      const { readImage } = await import("./image.js");
      return readImage(bytes, ctx);
    }
    case "docx": {
      const { readDocx } = await import("./docx.js");
      return readDocx(bytes, ctx);
    }
    case "ofd": {
      const { readOfd } = await import("./ofd.js");
      return readOfd(bytes, ctx);
    }
    case "ole": {
      const { readOle } = await import("./ole.js");
      return readOle(bytes, ctx);
    }
    case "archive":
      throw new PipelineError("UNSUPPORTED_FORMAT", "the input is an archive or office file, not a report document (PDF, HTML or text)", {
        input: ctx.name,
      });
    default: {
      const { declaredCharset, readHtml } = await import("./html.js");
      const decoded = decodeText(bytes, declaredCharset(bytes));
      const { text } = decoded;
      if (junkRatio(text) > 0.1) {
        throw new PipelineError("UNSUPPORTED_FORMAT", "the input is binary data, not text, HTML or PDF", { input: ctx.name });
      }
      if (text.trim() === "") throw new PipelineError("INPUT_EMPTY", "the file contains only whitespace", { input: ctx.name });
      if (looksLikeHtml(text)) return readHtml(decoded);
      // A crawler's text dump: known by its header of key: value lines and a separator.
      const { dumpHeader, readDump } = await import("./dump.js");
      const header = dumpHeader(text);
      return header ? readDump(decoded, header) : readText(decoded);
    }
  }
}
