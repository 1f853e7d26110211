/**
 * The resolution of a scanned page. An image file says nothing reliable about it, and a
 * PDF says it only through its page size, which the tool that wrapped the image set from
 * the image's own resolution tag — or, where the image has none (a JPEG written by
 * ImageMagick, a camera, a screenshot), from a default of 96 or 72 dpi: a 200-dpi A4
 * scan then becomes a page 17.6 inches wide, a 300-dpi Letter one 26.5. Read at its stated size, such a page is
 * upsampled threefold (a 39-megapixel raster at 300 dpi, twice the OCR time) and every
 * length the OCR derives from the resolution is three times off.
 */

/**
 * Paper a report is printed or scanned on: A4 (reports are printed on A4), and US Letter
 * and Legal, which browsers print on by default in many locales and scanner drivers
 * crop to. Their shapes are 9 % apart or more, so an image's shape tells which it is.
 */
const PAPERS = [
  { name: "A4", shortInches: 8.27, ratio: Math.SQRT2 },
  { name: "Letter", shortInches: 8.5, ratio: 11 / 8.5 },
  { name: "Legal", shortInches: 8.5, ratio: 14 / 8.5 },
] as const;

/** The paper an image of `width` × `height` pixels has the shape of (within 4 %), if any. */
function paperOf(r: { width: number; height: number }): (typeof PAPERS)[number] | undefined {
  const short = Math.min(r.width, r.height);
  const ratio = Math.max(r.width, r.height) / short;
  return PAPERS.find((p) => Math.abs(ratio / p.ratio - 1) < 0.04);
}

/** A page scanned at N dpi is about 8.27 N pixels across its short side (A4; 8.5 N for a Letter-shaped image). */
export function guessDpi(r: { width: number; height: number }): number {
  const shortInches = paperOf(r)?.shortInches ?? PAPERS[0].shortInches;
  return Math.min(600, Math.max(100, Math.round(Math.min(r.width, r.height) / shortInches)));
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
 * a report while the image has the shape of a sheet of paper (A4, Letter, Legal: within
 * 4 %) and the pixels of a finer scan of one (its short side 1,000 pixels or more, 121
 * dpi): the page is then taken to be that paper, as an image file is (guessDpi). A
 * screenshot, which is at 96 dpi and seldom shaped like paper, keeps its stated size.
 */
export function misstatedScanPpi(image: { width: number; height: number }, pageWidthPt: number, pageHeightPt: number): number | null {
  const stated = Math.min(image.width / (pageWidthPt / 72), image.height / (pageHeightPt / 72));
  const short = Math.min(image.width, image.height);
  const paper = paperOf(image);
  if (stated >= DOUBTED_BELOW_DPI || short < 1000 || !paper) return null;
  return short / paper.shortInches;
}
