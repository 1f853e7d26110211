/**
 * Image inputs (a scanned page as PNG, JPEG, GIF, BMP, WebP; TIFF with any number of
 * pages): decoded to grey rasters and read with OCR.
 */
import { PipelineError } from "../errors.js";
import type { Raster } from "../layout/raster/raster.js";
import { checkImageDecodable } from "./_internal/render.js";
import { guessDpi } from "./_internal/scan-resolution.js";
import { sniffImageType } from "./detect.js";
import { ocrImages, type OcrResult, type PageImage } from "./ocr/index.js";
import { imagePageCount, imagePages } from "./ocr/page-image.js";
import type { SourceContext, SourceResult } from "./types.js";

/** The media type of an image input; bytes that are no image this reader knows are refused, never guessed. */
export function imageMediaType(bytes: Uint8Array, name = "the input"): string {
  const type = sniffImageType(bytes);
  if (type === null) throw new PipelineError("UNSUPPORTED_FORMAT", "the input is not an image of a known format (PNG, JPEG, TIFF, GIF, BMP, WebP)", { input: name });
  return type;
}

export async function readImage(bytes: Uint8Array, ctx: SourceContext): Promise<SourceResult> {
  const mediaType = imageMediaType(bytes, ctx.name);
  if (ctx.ocr.mode === "never") throw new PipelineError("OCR_REQUIRED", "the input is an image: reading it needs OCR (--ocr auto)", { input: ctx.name });
  const undecodable = (error: unknown) =>
    new PipelineError("UNSUPPORTED_FORMAT", `the image cannot be decoded (${error instanceof Error ? error.message : String(error)})`, { input: ctx.name, cause: error });
  let pages: number;
  let result: OcrResult;
  if (ctx.ocrPages) {
    // Pages are read elsewhere (queue workers): only count them here, once the image is
    // known to open (TIFF pages are decoded by utif2), so a damaged one fails here as in the CLI.
    if (mediaType !== "image/tiff") await checkImageDecodable(bytes).catch((error: unknown) => Promise.reject(undecodable(error)));
    pages = await imagePageCount(bytes).catch((error: unknown) => Promise.reject(undecodable(error)));
    if (pages === 0) throw new PipelineError("INPUT_EMPTY", "the image file holds no image", { input: ctx.name });
    result = await ctx.ocrPages(Array.from({ length: pages }, (_, i) => i + 1));
  } else {
    let rasters: Raster[];
    try {
      rasters = await imagePages(bytes);
    } catch (error) {
      throw undecodable(error);
    }
    if (rasters.length === 0) throw new PipelineError("INPUT_EMPTY", "the image file holds no image", { input: ctx.name });
    pages = rasters.length;
    const images: PageImage[] = rasters.map((raster, i) => ({ page: i + 1, raster, dpi: guessDpi(raster) }));
    result = await ocrImages(images, ctx);
  }
  return { layout: { kind: "positioned", lines: result.lines, hints: {} }, mediaType, textSource: "ocr", pages, encoding: null, issues: result.issues };
}
