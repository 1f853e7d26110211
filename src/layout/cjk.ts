/**
 * CJK characters in a PDF's text: they join without a space, and they are set a full em
 * wide where Latin digits and letters are about half.
 */
export const CJK_CHAR = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

/** A character's width in ems: CJK a full em, the rest half. */
export const emWidth = (ch: string) => (CJK_CHAR.test(ch) ? 1 : 0.5);
