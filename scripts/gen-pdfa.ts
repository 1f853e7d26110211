/**
 * A PDF/A conversion by Ghostscript (`gs -sDEVICE=pdfwrite -dPDFA=2`, what archives run to
 * normalise what they keep), made once and committed: Debian 12's Ghostscript (10.0)
 * re-encodes the fonts of a Chromium print and maps many glyphs to wrong code points —
 * accented Latin letters and ASCII letters in place of Chinese characters ("ß溪县生态ÿ境局",
 * "w他") — while the pages still draw right, so its text layer must not be read:
 *
 *   npx tsx scripts/gen-pdfa.ts       (needs chromium, ghostscript and fonts-wqy-zenhei)
 *
 * fixtures/ghostscript/<id>.pdf with <id>.truth.json, from the project's own fixture page.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { printHtml } from "./fixtures/prints.js";
import { sources } from "./fixtures/renderings.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(ROOT, "fixtures/ghostscript");
mkdirSync(out, { recursive: true });
const id = "yunxi-2023-pdfa";
const s = sources().find((x) => x.id === "yunxi-2023" && !x.corpus);
if (!s) throw new Error("gen-pdfa: no fixture source yunxi-2023");
const print = await printHtml(readFileSync(typeof s.path === "string" ? s.path : s.path()), "ruled");
const target = join(out, `${id}.pdf`);
execFileSync("gs", ["-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite", "-dPDFA=2", "-dPDFACompatibilityPolicy=1", "-sColorConversionStrategy=RGB", `-sOutputFile=${target}`, print], { stdio: "inherit" });
const truth = { ...s.truth, source: { ...(s.truth.source as object), name: `${id}.pdf`, mediaType: "application/pdf", textSource: "ocr" } };
writeFileSync(join(out, `${id}.truth.json`), `${JSON.stringify(truth, null, 1)}\n`);
process.stdout.write(`fixtures/ghostscript/${id}.pdf\n`);
