/**
 * The resolution of a scanned page. An image file says nothing reliable about it, and a
 * PDF says it only through its page size, which the tool that wrapped the image set from
 * the image's own resolution tag — or, where the image has none (a JPEG written by
 * ImageMagick, a camera, a screenshot), from a default of 96 or 72 dpi: a 200-dpi A4
 * scan then becomes a page 17.6 inches wide. Read at its stated size, such a page is
 * upsampled threefold (a 39-megapixel raster at 300 dpi, twice the OCR time) and every
 * length the OCR derives from the resolution is three times off.
 */

/** The short side of A4, in inches: reports are printed on A4. */
const A4_SHORT_INCHES = 8.27;

/** An A4 page scanned at N dpi is about 8.27 N pixels across its short side. */
export function guessDpi(r: { width: number; height: number }): number {
  return Math.min(600, Math.max(100, Math.round(Math.min(r.width, r.height) / A4_SHORT_INCHES)));
}

/**
 * Below this a page's stated resolution is doubted: no one scans a report at less, and
 * 96 and 72 are the defaults of tools that found no resolution in the image.
 */
const DOUBTED_BELOW_DPI = 130;

/**
 * The pixels per inch of a page-filling scan of `image` pixels on a page `pageWidthPt`
 * × `pageHeightPt` points, when the page's size misstates it; null when the page's size
 * is to be believed. It is doubted only where it makes the scan coarser than anyone scans
 * a report while the image has the shape of an A4 page (within 4 %) and the pixels of a
 * finer scan of one (its short side 1,000 pixels or more, 121 dpi): the page is then
 * taken to be A4, as an image file is (guessDpi). A screenshot, which is at 96 dpi and
 * seldom A4-shaped, keeps its stated size.
 */
export function misstatedScanPpi(image: { width: number; height: number }, pageWidthPt: number, pageHeightPt: number): number | null {
  const stated = Math.min(image.width / (pageWidthPt / 72), image.height / (pageHeightPt / 72));
  const short = Math.min(image.width, image.height);
  const a4Shaped = Math.abs(Math.max(image.width, image.height) / short / Math.SQRT2 - 1) < 0.04;
  if (stated >= DOUBTED_BELOW_DPI || short < 1000 || !a4Shaped) return null;
  return short / A4_SHORT_INCHES;
}
