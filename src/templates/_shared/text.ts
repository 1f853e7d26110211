/** Text normalisation shared by the template parsers. */

/** CJK ideographs and full-width punctuation. */
export const CJK = /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’]/;

/**
 * The form labels are compared in: NFKC (full-width digits, letters and brackets to
 * ASCII, ．→.), no whitespace at all (labels arrive split over lines and spans),
 * and 、/．/. after an item number unified to ".".
 */
export function compact(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[\s\u00a0\u3000]+/g, "")
    .replace(/(^|[^0-9])([0-9])[、,]/g, "$1$2.");
}

/** Removes spaces between two CJK characters (justified PDF text prints "商 业 企 业"). */
export function tidyCjkSpaces(text: string): string {
  return text.replace(/([\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”])[ \t\u00a0\u3000]+(?=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”])/g, "$1");
}
