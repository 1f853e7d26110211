/**
 * Prints by wkhtmltopdf (Qt WebKit, 0.12.6 in Debian 12), made once and committed: the
 * project's tests print with Chromium, and a second engine lays the same page out
 * otherwise — with every cell set to the bottom of its row, some of a row's values a line
 * above the rest, with no label beside them; and where a page break cuts a table, the cut
 * row's whole frame, its lower edge below the page's foot, or the frame empty on the first
 * page and the row's text at the top of the next, outside any ruling (a random report's
 * page, scripts/fixtures/random-reports.ts):
 *
 *   npx tsx scripts/gen-wk-prints.ts          (needs Debian's wkhtmltopdf and fonts-wqy-zenhei)
 *
 * fixtures/wkhtmltopdf/<id>.pdf with <id>.truth.json, from the project's own fixture pages.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { reportHtml } from "./fixtures/html.js";
import { truthOf } from "./fixtures/model.js";
import { printHtml, withStylesheet, type PrintStyle } from "./fixtures/prints.js";
import { randomReport } from "./fixtures/random-reports.js";
import { PRINT_VARIANTS, sources } from "./fixtures/renderings.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Which fixture page, printed ruled or borderless with which of the eval's page styles. */
const PRINTS: { id: string; source: string; style: PrintStyle; variant: keyof typeof PRINT_VARIANTS }[] = [
  { id: "qinghe-2020-borderless-vbottom", source: "qinghe-2020-html", style: "borderless", variant: "vbottom" },
  { id: "qinghe-2020-ruled-narrow", source: "qinghe-2020-html", style: "ruled", variant: "narrow" },
];

const out = join(ROOT, "fixtures/wkhtmltopdf");
mkdirSync(out, { recursive: true });
const all = sources();
for (const { id, source, style, variant } of PRINTS) {
  const s = all.find((x) => x.id === source && !x.corpus);
  if (!s) throw new Error(`gen-wk-prints: no fixture source ${source}`);
  const page = readFileSync(typeof s.path === "string" ? s.path : s.path());
  const pdf = await printHtml(withStylesheet(page, `<style>${PRINT_VARIANTS[variant]}</style>`), style, { printer: "wkhtmltopdf" });
  copyFileSync(pdf, join(out, `${id}.pdf`));
  const truth = { ...s.truth, source: { ...(s.truth.source as object), name: `${id}.pdf`, mediaType: "application/pdf", textSource: "pdf-text" } };
  writeFileSync(join(out, `${id}.truth.json`), `${JSON.stringify(truth, null, 1)}\n`);
  process.stdout.write(`fixtures/wkhtmltopdf/${id}.pdf\n`);
}

/** Random reports' pages printed as they are (their truth: the figures drawn). */
const RANDOM_PRINTS: { id: string; seed: number; style: PrintStyle }[] = [{ id: "random-2-ruled", seed: 2, style: "ruled" }];
for (const { id, seed, style } of RANDOM_PRINTS) {
  const report = randomReport(seed);
  const pdf = await printHtml(Buffer.from(reportHtml(report, "utf-8"), "utf8"), style, { printer: "wkhtmltopdf" });
  copyFileSync(pdf, join(out, `${id}.pdf`));
  const truth = truthOf(report, { name: `${id}.pdf`, mediaType: "application/pdf", pages: null, textSource: "pdf-text" });
  writeFileSync(join(out, `${id}.truth.json`), `${JSON.stringify(truth, null, 1)}\n`);
  process.stdout.write(`fixtures/wkhtmltopdf/${id}.pdf\n`);
}
