/**
 * Browser prints made with the Noto CJK fonts, once, and committed (CI installs only the
 * WenQuanYi font the fixtures are drawn with; a print's text layer and page breaks depend
 * on the fonts the printing machine has):
 *
 *   npx tsx scripts/gen-noto-prints.ts        (needs chromium and Debian's fonts-noto-cjk)
 *
 * Chromium printing with Noto Sans CJK writes many ideographs into the text layer as the
 * radicals that share their glyphs (生 as ⽣, 页 as ⻚), and Noto's wider type moves the
 * page breaks: a break between two rows of table 三, with neither edge ruled, and a page
 * that rules fewer of the table's columns than the page before (the （六） group's label
 * cell goes on across the break). fixtures/chromium-noto/<id>.pdf with <id>.truth.json.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PRINT_VARIANTS, sources } from "./fixtures/renderings.js";
import { printHtml, withStylesheet } from "./fixtures/prints.js";

// With the machine's fonts, Noto among them (prints are otherwise made with a pinned set: fixtures/prints.ts).
process.env.NIANBAO_PRINT_FONTS = "machine";
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
if (!existsSync(NOTO)) {
  process.stderr.write(`gen-noto-prints: ${NOTO} is missing (apt-get install fonts-noto-cjk)\n`);
  process.exit(1);
}

/** Which fixture page, printed with which of the eval's page styles. */
const PRINTS = [
  { id: "yunxi-2023-narrow40", source: "yunxi-2023", variant: "narrow40" },
  { id: "chengjiang-2022-landscape", source: "chengjiang-2022-html", variant: "landscape" },
] as const;

const out = join(ROOT, "fixtures/chromium-noto");
mkdirSync(out, { recursive: true });
const all = sources();
for (const { id, source, variant } of PRINTS) {
  const s = all.find((x) => x.id === source);
  if (!s) throw new Error(`gen-noto-prints: no source ${source}`);
  const page = readFileSync(typeof s.path === "string" ? s.path : s.path());
  const pdf = await printHtml(withStylesheet(page, `<style>${PRINT_VARIANTS[variant]}</style>`), "ruled");
  copyFileSync(pdf, join(out, `${id}.pdf`));
  const truth = { ...s.truth, source: { ...(s.truth.source as object), name: `${id}.pdf`, mediaType: "application/pdf", textSource: "pdf-text" } };
  writeFileSync(join(out, `${id}.truth.json`), `${JSON.stringify(truth, null, 1)}\n`);
  process.stdout.write(`fixtures/chromium-noto/${id}.pdf\n`);
}
