/**
 * A scan that another program has already read, made once and committed: a fixture report
 * scanned at 150 dpi (poppler, grey, JPEG, img2pdf; scripts/fixtures/scan.ts) and run
 * through OCRmyPDF (tesseract, chi_sim), which draws its reading of each page over the
 * picture as invisible text — the "searchable PDF" scanners and archives publish:
 *
 *   npx tsx scripts/gen-ocrmypdf.ts     (needs poppler-utils, img2pdf and Debian's ocrmypdf with tesseract-ocr-chi-sim)
 *
 * fixtures/ocrmypdf/<id>.pdf with <id>.truth.json.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { scanOptions } from "./fixtures/renderings.js";
import { scanPdf } from "./fixtures/scan.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(ROOT, "fixtures/ocrmypdf");
mkdirSync(out, { recursive: true });
const id = "minghu-2021-ocrmypdf";
const source = join(ROOT, "fixtures/generated/minghu-2021-cmap.pdf");
const scan = await scanPdf(new Uint8Array(readFileSync(source)), { ...scanOptions(id, 150, "poppler"), jpegQuality: 60 });
const work = mkdtempSync(join(tmpdir(), "nianbao-ocrmypdf-"));
try {
  writeFileSync(join(work, "scan.pdf"), scan.pdf);
  execFileSync("ocrmypdf", ["-q", "-l", "chi_sim", "--output-type", "pdf", "--optimize", "0", join(work, "scan.pdf"), join(out, `${id}.pdf`)], { stdio: "inherit" });
} finally {
  rmSync(work, { recursive: true, force: true });
}
const truth = JSON.parse(readFileSync(join(ROOT, "fixtures/generated/minghu-2021-cmap.truth.json"), "utf8")) as Record<string, unknown>;
writeFileSync(join(out, `${id}.truth.json`), `${JSON.stringify({ ...truth, source: { ...(truth.source as object), name: `${id}.pdf`, textSource: "ocr" } }, null, 1)}\n`);
process.stdout.write(`fixtures/ocrmypdf/${id}.pdf\n`);
