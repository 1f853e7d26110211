/**
 * One page of an input as a grey raster, for OCR: a PDF page rendered by pdf.js, or a
 * page of an image file (a TIFF can hold many). Queue workers read single pages this way.
 */
import type { Raster } from "../../layout/raster/raster.js";
import { greyFromRgba } from "../../layout/raster/raster.js";
import { withPdfDocument } from "../_internal/pdfjs.js";
import { decodeImageGrey, renderPageGrey } from "../_internal/render.js";
import { guessDpi } from "../_internal/scan-resolution.js";
import { sniffFormat } from "../detect.js";
import type { PageImage } from "./index.js";

const isTiff = (bytes: Uint8Array) => (bytes[0] === 0x49 && bytes[1] === 0x49) || (bytes[0] === 0x4d && bytes[1] === 0x4d);

/** Every page of an image file, decoded. */
export async function imagePages(bytes: Uint8Array): Promise<Raster[]> {
  if (!isTiff(bytes)) return [await decodeImageGrey(bytes)];
  const UTIF = (await import("utif2")).default;
  const buffer = Buffer.from(bytes);
  return UTIF.decode(buffer).map((ifd) => {
    UTIF.decodeImage(buffer, ifd);
    return greyFromRgba(UTIF.toRGBA8(ifd), ifd.width, ifd.height);
  });
}

/** How many pages an image file holds, without decoding their pixels. */
export async function imagePageCount(bytes: Uint8Array): Promise<number> {
  if (!isTiff(bytes)) return 1;
  const UTIF = (await import("utif2")).default;
  return UTIF.decode(Buffer.from(bytes)).length;
}

/** Page `page` (1-based) of a PDF or an image file, ready for OCR. */
export async function pageImage(bytes: Uint8Array, page: number, dpi: number): Promise<PageImage> {
  if (sniffFormat(bytes) === "pdf") {
    const raster = await withPdfDocument(bytes, async (doc) => renderPageGrey(await doc.getPage(page), dpi));
    return { page, raster, dpi };
  }
  const raster = (await imagePages(bytes))[page - 1];
  if (!raster) throw new RangeError(`the image has no page ${page}`);
  return { page, raster, dpi: guessDpi(raster) };
}
