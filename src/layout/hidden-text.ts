/**
 * A scan another program has already read: the page paints one picture over most of its
 * area, and all its text is drawn invisibly (text rendering mode 3) — the "searchable PDF"
 * that OCRmyPDF, Acrobat and scanner software write. That text is another engine's guess
 * at the picture, placed word by word, unchecked: read as the page's text, table cells
 * came out wrong or null (OCRmyPDF's layer over the 200-dpi scans: 70 % of cells). Such a
 * page is read from its picture, as any scan.
 */
import { walkDrawing, type DrawStateOps, type Matrix, type OperatorList, type PdfOps } from "./pdf-rulings.js";

/** The pdf.js operator ids this needs (pdf.js's `OPS`). */
export interface HiddenTextOps extends DrawStateOps {
  setTextRenderingMode: number;
  showText: number;
  showSpacedText: number;
  nextLineShowText: number;
  nextLineSetSpacingShowText: number;
  paintImageXObject: number;
  paintInlineImageXObject: number;
}

const INVISIBLE = 3;

const showOps = (ops: HiddenTextOps) => new Set([ops.showText, ops.showSpacedText, ops.nextLineShowText, ops.nextLineSetSpacingShowText]);
/** The area of the unit square an image is painted into: the determinant of its matrix. */
const areaOf = ([a, b, c, d]: Matrix) => Math.abs(a * d - b * c);

/** Whether the page is a picture covering half its area or more with nothing but invisible text over it. */
export function isReadScan(list: OperatorList, ops: HiddenTextOps, base: Matrix, width: number, height: number): boolean {
  const shows = showOps(ops);
  const images = new Set([ops.paintImageXObject, ops.paintInlineImageXObject]);
  let visible = 0;
  let hidden = 0;
  let picture = 0;
  walkDrawing(list, ops, base, (fn, _args, state) => {
    if (shows.has(fn)) {
      if (state.mode === INVISIBLE) hidden++;
      else visible++;
    } else if (images.has(fn)) picture = Math.max(picture, areaOf(state.ctm));
  });
  return hidden > 0 && visible === 0 && picture >= 0.5 * width * height;
}

/** Operator ids `onlyPicture` needs besides those of HiddenTextOps: whatever paints. */
export interface PaintOps
  extends HiddenTextOps,
    Pick<PdfOps, "constructPath" | "stroke" | "closeStroke" | "fill" | "eoFill" | "fillStroke" | "eoFillStroke" | "closeFillStroke" | "closeEOFillStroke"> {
  endPath: number;
  shadingFill: number;
  paintImageMaskXObject: number;
  paintImageMaskXObjectGroup: number;
  paintInlineImageXObjectGroup: number;
  paintImageXObjectRepeat: number;
  paintImageMaskXObjectRepeat: number;
  paintSolidColorImageMask: number;
}

/**
 * The one image a page paints when it paints nothing else a reader sees — invisible text
 * (an OCR layer) aside — with the matrix it is painted with (in the space of `base`), or
 * null. A scan's page, whether or not another program has read it.
 */
export function onlyPicture(list: OperatorList, ops: PaintOps, base: Matrix = [1, 0, 0, 1, 0, 0]): { id: string; matrix: Matrix } | null {
  const shows = showOps(ops);
  const painters = new Set([
    ops.stroke,
    ops.closeStroke,
    ops.fill,
    ops.eoFill,
    ops.fillStroke,
    ops.eoFillStroke,
    ops.closeFillStroke,
    ops.closeEOFillStroke,
    ops.shadingFill,
    ops.paintImageMaskXObject,
    ops.paintImageMaskXObjectGroup,
    ops.paintInlineImageXObject,
    ops.paintInlineImageXObjectGroup,
    ops.paintImageXObjectRepeat,
    ops.paintImageMaskXObjectRepeat,
    ops.paintSolidColorImageMask,
  ]);
  let found: { id: string; matrix: Matrix } | null = null;
  let other = false;
  walkDrawing(list, ops, base, (fn, args, state) => {
    // Visible text, a painted path (a path only ended, a clip, shows nothing), any other image: no scan.
    const paints = (shows.has(fn) && state.mode !== INVISIBLE) || (fn === ops.constructPath && args?.[0] !== ops.endPath) || painters.has(fn);
    if (paints || (fn === ops.paintImageXObject && found)) {
      other = true;
      return false;
    }
    if (fn === ops.paintImageXObject) found = { id: String(args?.[0]), matrix: state.ctm };
  });
  return other ? null : found;
}
