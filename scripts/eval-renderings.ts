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
 *   … --dir DIR (where the eval directory is laid out; default: in the cache), --json, --out DIR (records)
 *
 * Needs chromium (prints), pdftoppm (poppler scans) and img2pdf on the PATH; mutool (mupdf)
 * and gs (ghostscript) only when those rasterisers are asked for.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { evaluateDir } from "../src/cli/commands/eval.js";
import { formatKinds } from "../src/eval/kinds.js";
import { formatSummary } from "../src/eval/score.js";
import { closeSharedOcrPool } from "../src/sources/_internal/tesseract.js";
import { renderingsCache } from "./fixtures/prints.js";
import { materialize, renderings } from "./fixtures/renderings.js";
import { RASTERISERS, type Rasteriser } from "./fixtures/scan.js";

const { values } = parseArgs({
  options: {
    all: { type: "boolean", default: false },
    styles: { type: "boolean", default: false },
    scans: { type: "string" },
    only: { type: "string" },
    rasterisers: { type: "string" },
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
const isRasteriser = (r: string): r is Rasteriser => (RASTERISERS as readonly string[]).includes(r);
const asked = values.rasterisers?.split(",").map((r) => r.trim());
const unknown = asked?.filter((r) => !isRasteriser(r)) ?? [];
if (unknown.length) {
  process.stderr.write(`eval-renderings: --rasterisers is a comma-separated list of ${RASTERISERS.join(", ")} (not ${unknown.map((r) => JSON.stringify(r)).join(", ")})\n`);
  process.exit(2);
}
const rasterisers = asked?.filter(isRasteriser);
const list = renderings({
  scans,
  styles: values.styles,
  ...(values.only ? { only: new RegExp(values.only) } : {}),
  ...(rasterisers ? { rasterisers } : {}),
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
