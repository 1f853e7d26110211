/**
 * CJK characters in a PDF's text: they join without a space, and they are set a full em
 * wide where Latin digits and letters are about half.
 */
export const CJK_CHAR = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

/** A character's width in ems: CJK a full em, the rest half. */
export const emWidth = (ch: string) => (CJK_CHAR.test(ch) ? 1 : 0.5);

/**
 * The CJK radicals supplement's characters drawn as whole ideographs, paired by the glyph
 * they share in CJK fonts (Noto Sans and Serif CJK SC, and fonts that draw 西 厂 几 卜 日 王
 * as their radicals): ⻚ is 页, ⻔ is 门, ⻓ is 长. Unicode gives them no decomposition.
 */
const SUPPLEMENT_RADICALS = "⺂⺃⺅⺉⺋⺎⺏⺐⺒⺓⺔⺕⺖⺘⺙⺛⺞⺟⺠⺡⺣⺤⺦⺨⺫⺭⺯⺰⺱⺲⺳⺹⺺⺾⻁⻂⻃⻅⻆⻈⻉⻋⻌⻐⻑⻒⻓⻔⻖⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻮⻯⻰⻱⻲⻳⻄⺁⺇⺊⺜⺩";
const SUPPLEMENT_IDEOGRAPHS = "乛乚亻刂㔾兀尣尢巳幺彑彐忄扌攵旡歺母民氵灬爫丬犭罒礻糹纟罓罒㓁耂肀艹虎衤覀见角讠贝车辶钅長镸长门阝青韦页风飞食飠饣马骨鬼鱼鸟卤麦黄黾斉齐齿竜龙龜亀龟西厂几卜日王";
const IDEOGRAPHS = [...SUPPLEMENT_IDEOGRAPHS];
const RADICAL_IDEOGRAPH = new Map([...SUPPLEMENT_RADICALS].map((radical, i) => [radical, IDEOGRAPHS[i]!]));
// Kangxi radicals (U+2F00–U+2FD5) and compatibility ideographs decompose (NFKC), but ⼾: SC fonts draw it as 户, not 戶.
RADICAL_IDEOGRAPH.set("⼾", "户");

const RADICAL = /[\u2e80-\u2fdf\uf900-\ufaff]/gu;

/**
 * A PDF's text with radicals read as the ideographs they stand for. A CJK font draws 生
 * and the Kangxi radical ⽣ with one glyph, and a text layer whose ToUnicode map a
 * producer built from the glyphs may name the radical: Chromium printing with Noto CJK
 * writes 生 as ⽣, 行 as ⾏, 页 as ⻚. A report never means a radical; each character
 * becomes the ideograph its glyph draws, one for one (positions and widths stay).
 */
export function unifyRadicals(text: string): string {
  return text.replace(RADICAL, (ch) => {
    const ideograph = RADICAL_IDEOGRAPH.get(ch) ?? ch.normalize("NFKC");
    return [...ideograph].length === 1 ? ideograph : ch;
  });
}
