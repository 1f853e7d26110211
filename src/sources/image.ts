/**
 * Image inputs (a scanned page as PNG, JPEG, GIF, BMP, WebP; TIFF with any number of
 * pages): decoded to grey rasters and read with OCR.
 */
import { PipelineError } from "../errors.js";
import { greyFromRgba, type Raster } from "../layout/raster/raster.js";
import { decodeImageGrey } from "./_internal/render.js";
import { ocrImages, type PageImage } from "./ocr/index.js";
import type { SourceContext, SourceResult } from "./types.js";

const MEDIA_TYPES: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], "image/png"],
  [[0xff, 0xd8, 0xff], "image/jpeg"],
  [[0x49, 0x49, 0x2a, 0x00], "image/tiff"],
  [[0x4d, 0x4d, 0x00, 0x2a], "image/tiff"],
  [[0x47, 0x49, 0x46, 0x38], "image/gif"],
  [[0x42, 0x4d], "image/bmp"],
];

export function imageMediaType(bytes: Uint8Array): string {
  return MEDIA_TYPES.find(([magic]) => magic.every((b, i) => bytes[i] === b))?.[1] ?? "image/webp";
}

/** An A4 page scanned at N dpi is about 8.27 N pixels wide: the resolution follows from the width. */
function guessDpi(r: Raster): number {
  const shortSide = Math.min(r.width, r.height);
  return Math.min(600, Math.max(100, Math.round(shortSide / 8.27)));
}

async function decodeTiff(bytes: Uint8Array): Promise<Raster[]> {
  const UTIF = (await import("utif2")).default;
  const buffer = Buffer.from(bytes);
  return UTIF.decode(buffer).map((ifd) => {
    UTIF.decodeImage(buffer, ifd);
    return greyFromRgba(UTIF.toRGBA8(ifd), ifd.width, ifd.height);
  });
}

export async function readImage(bytes: Uint8Array, ctx: SourceContext): Promise<SourceResult> {
  const mediaType = imageMediaType(bytes);
  if (ctx.ocr.mode === "never") throw new PipelineError("OCR_REQUIRED", "the input is an image: reading it needs OCR (--ocr auto)", { input: ctx.name });
  let rasters: Raster[];
  try {
    rasters = mediaType === "image/tiff" ? await decodeTiff(bytes) : [await decodeImageGrey(bytes)];
  } catch (error) {
    throw new PipelineError("UNSUPPORTED_FORMAT", `the image cannot be decoded (${error instanceof Error ? error.message : String(error)})`, { input: ctx.name, cause: error });
  }
  if (rasters.length === 0) throw new PipelineError("INPUT_EMPTY", "the image file holds no image", { input: ctx.name });
  const images: PageImage[] = rasters.map((raster, i) => ({ page: i + 1, raster, dpi: guessDpi(raster) }));
  const { lines, issues } = await ocrImages(images, ctx);
  return { layout: { kind: "positioned", lines, hints: {} }, mediaType, textSource: "ocr", pages: rasters.length, encoding: null, issues };
}
