/**
 * Issue 11's measurement: makes the renderings (browser prints ruled and borderless,
 * scans by dpi and rasteriser; cached under the OS temp dir) of the shared corpus and
 * the fixture reports, and scores them with `nianbao eval`, by input kind.
 *
 *   npm run eval:renderings                       sources, every print, the default scans
 *   npm run eval:renderings -- --all              every scan too (150/200/300 dpi × pdf.js/poppler of every PDF: hours)
 *   npm run eval:renderings -- --scans none       no scans (minutes)
 *   npm run eval:renderings -- --styles           also the prints in other page styles (PRINT_VARIANTS)
 *   npm run eval:renderings -- --only 'pingtan-2023'   renderings whose id matches
 *   npm run eval:renderings -- --rasterisers mupdf,ghostscript   the same scans, rasterised by
 *                                                 these instead (pdfjs, poppler, mupdf, ghostscript)
 *   npm run eval:renderings -- --printers chromium,wkhtmltopdf   the prints by wkhtmltopdf as well
 *   … --dir DIR (where the eval directory is laid out; default: in the cache), --json, --out DIR (records)
 *
 * Needs chromium (prints), pdftoppm (poppler scans) and img2pdf on the PATH; mutool (mupdf),
 * gs (ghostscript) and wkhtmltopdf only when asked for.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { evaluateDir } from "../src/cli/commands/eval.js";
import { formatKinds } from "../src/eval/kinds.js";
import { formatSummary } from "../src/eval/score.js";
import { closeSharedOcrPool } from "../src/sources/_internal/tesseract.js";
import { PRINTERS, renderingsCache, type Printer } from "./fixtures/prints.js";
import { materialize, renderings } from "./fixtures/renderings.js";
import { RASTERISERS, type Rasteriser } from "./fixtures/scan.js";

const { values } = parseArgs({
  options: {
    all: { type: "boolean", default: false },
    styles: { type: "boolean", default: false },
    scans: { type: "string" },
    only: { type: "string" },
    rasterisers: { type: "string" },
    printers: { type: "string" },
    dir: { type: "string" },
    out: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const scans = values.all ? "all" : (values.scans ?? "default");
if (scans !== "none" && scans !== "default" && scans !== "all") {
  process.stderr.write("eval-renderings: --scans is none, default or all\n");
  process.exit(2);
}
/** A comma-separated option's values, each one of `known`; exits with a usage line otherwise. */
function listOption<T extends string>(name: string, value: string | undefined, known: readonly T[]): T[] | undefined {
  const asked = value?.split(",").map((r) => r.trim());
  const unknown = asked?.filter((r) => !(known as readonly string[]).includes(r)) ?? [];
  if (unknown.length) {
    process.stderr.write(`eval-renderings: --${name} is a comma-separated list of ${known.join(", ")} (not ${unknown.map((r) => JSON.stringify(r)).join(", ")})\n`);
    process.exit(2);
  }
  return asked as T[] | undefined;
}
const rasterisers = listOption<Rasteriser>("rasterisers", values.rasterisers, RASTERISERS);
const printers = listOption<Printer>("printers", values.printers, PRINTERS);
const list = renderings({
  scans,
  styles: values.styles,
  ...(values.only ? { only: new RegExp(values.only) } : {}),
  ...(rasterisers ? { rasterisers } : {}),
  ...(printers ? { printers } : {}),
});
const dir = values.dir ?? join(renderingsCache(), "eval");
const started = performance.now();
process.stderr.write(`eval-renderings: ${list.length} documents, laid out in ${dir}\n`);
await materialize(list, dir, (r, ms) => {
  if (ms > 50) process.stderr.write(`  made ${r.id} in ${(ms / 1000).toFixed(1)} s\n`);
});
process.stderr.write(`eval-renderings: renderings ready in ${((performance.now() - started) / 1000).toFixed(1)} s; extracting\n`);
try {
  const { summary, kinds } = await evaluateDir(dir, values.out ? { out: values.out } : {});
  process.stdout.write(values.json ? `${JSON.stringify({ summary, kinds }, null, 1)}\n` : `${formatSummary(summary)}\n\n${formatKinds(kinds)}\n`);
} finally {
  await closeSharedOcrPool();
}
