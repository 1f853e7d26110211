/**
 * Regenerates the project's own fixtures from its own report data (scripts/fixtures):
 *
 *   npm run fixtures [-- --out DIR]      (default: the repository's fixtures/)
 *
 * fixtures/generated/  reports as PDF, HTML, text in several encodings, DOCX, DOC/WPS and OFD, each with
 *                      <id>.truth.json written from the same data;
 * fixtures/inputs/     inputs the extractor must refuse (encrypted, scan, not a report,
 *                      empty, binary); no truth files.
 *
 * Output is deterministic (fixed dates, seeded noise): rerunning gives the same bytes,
 * and tests/fixtures.test.ts checks that the committed files are what this makes.
 * Needs the CJK font /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc (Debian fonts-wqy-zenhei).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { cmapReportPdf } from "./fixtures/cmap-pdf.js";
import { reportDoc } from "./fixtures/doc.js";
import { reportDocx } from "./fixtures/docx.js";
import { encodeGb18030, encodeUtf16le, encodeUtf8Bom } from "./fixtures/encodings.js";
import { reportHtml } from "./fixtures/html.js";
import { truthOf, type FixtureReport } from "./fixtures/model.js";
import { binaryNoise, imageOnlyPdf, notAReportHtml, notAReportPdf } from "./fixtures/odd-inputs.js";
import { CJK_FONT, reportPdf, type RenderedPdf } from "./fixtures/pdf.js";
import { reportOfd } from "./fixtures/ofd.js";
import { REPORTS } from "./fixtures/reports.js";
import { reportText } from "./fixtures/text.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({ options: { out: { type: "string", default: join(ROOT, "fixtures") } } });
const OUT = resolve(args.out!);
const GENERATED = join(OUT, "generated");
const INPUTS = join(OUT, "inputs");

if (!existsSync(CJK_FONT)) {
  process.stderr.write(`gen-fixtures: the CJK font ${CJK_FONT} is missing (apt-get install fonts-wqy-zenhei)\n`);
  process.exit(1);
}
mkdirSync(GENERATED, { recursive: true });
mkdirSync(INPUTS, { recursive: true });

const written: string[] = [];
function write(dir: string, name: string, bytes: Buffer | string): void {
  writeFileSync(join(dir, name), bytes);
  written.push(join(dir, name).slice(OUT.length + 1));
}
function writeWithTruth(name: string, bytes: Buffer | string, report: FixtureReport, source: { mediaType: string; pages: number | null; textSource: string }, notes: string[] = []): void {
  write(GENERATED, name, bytes);
  const id = name.replace(/\.[^.]+$/, "");
  if (written.includes(`generated/${id}.truth.json`)) throw new Error(`gen-fixtures: two documents would share ${id}.truth.json`);
  write(GENERATED, `${id}.truth.json`, `${JSON.stringify(truthOf(report, { name, ...source }, notes), null, 1)}\n`);
}

/** Stops the run when a layout the tests depend on has moved (after an edit of the narrative, say). */
function expectLayout(id: string, ok: boolean, what: string): void {
  if (!ok) throw new Error(`gen-fixtures: ${id}: ${what}; adjust the narrative in scripts/fixtures/reports.ts`);
}
function checkPdf(id: string, pdf: RenderedPdf): void {
  expectLayout(id, pdf.pages >= 5 && pdf.pages <= 7, `has ${pdf.pages} pages, not 5–7`);
}

const qinghe = REPORTS.qinghe2020();
const chengjiang = REPORTS.chengjiang2022();
const yunxi = REPORTS.yunxi2023();
const minghu = REPORTS.minghu2021();
const pdf = { mediaType: "application/pdf", textSource: "pdf-text" };

const qinghePdf = await reportPdf(qinghe);
checkPdf(qinghe.id, qinghePdf);
// tests/ocr.test.ts reads page 3 alone as a PNG: it must hold table 四 and the end of table 三.
const q3 = qinghePdf.table3Pages;
expectLayout(qinghe.id, q3.unableNotHeld === 3 && q3.carriedForward === 3 && qinghePdf.table4Pages.join() === "3", "page 3 no longer holds table 四 and the rows from unableNotHeld on");
// qinghe-2020.txt (below) has the same id: one truth file serves both, and says so.
writeWithTruth(`${qinghe.id}.pdf`, qinghePdf.bytes, qinghe, { ...pdf, pages: qinghePdf.pages }, [
  `${qinghe.id}.txt (the same report as flattened text, UTF-8 with BOM) has the same id and shares this truth file; its source would be text/plain, pages null, textSource "text".`,
]);

// Table 三 of the 2021-template PDF breaks inside the （三）不予公开 group, as real reports do;
// the break is forced, so check that it is the only one in the table.
const chengjiangPdf = await reportPdf(chengjiang, { breakTable3Before: "deniedProcessInformation" });
checkPdf(chengjiang.id, chengjiangPdf);
const c3 = Object.values(chengjiangPdf.table3Pages);
expectLayout(chengjiang.id, new Set(c3).size === 2 && chengjiangPdf.table3Pages.deniedProcessInformation === chengjiangPdf.table3Pages.deniedInternalAffairs! + 1, "table 三 does not break exactly once, before deniedProcessInformation");
writeWithTruth(`${chengjiang.id}.pdf`, chengjiangPdf.bytes, chengjiang, { ...pdf, pages: chengjiangPdf.pages });

const cmap = cmapReportPdf(minghu);
writeWithTruth(`${minghu.id}.pdf`, cmap.bytes, minghu, { ...pdf, pages: cmap.pages });

const html = { mediaType: "text/html", pages: null, textSource: "html" };
writeWithTruth(`${yunxi.id}.html`, reportHtml(yunxi, "utf-8"), yunxi, html);
writeWithTruth(`${yunxi.id}-gbk.html`, encodeGb18030(reportHtml(yunxi, "gb2312")), yunxi, html);

const text = { mediaType: "text/plain", pages: null, textSource: "text" };
const qingheText = reportText(qinghe);
write(GENERATED, `${qinghe.id}.txt`, encodeUtf8Bom(qingheText)); // truth: qinghe-2020.truth.json, written with the PDF
writeWithTruth(`${qinghe.id}-utf16.txt`, encodeUtf16le(qingheText), qinghe, text);
writeWithTruth(`${qinghe.id}-gbk.txt`, encodeGb18030(qingheText), qinghe, text);

// Word: the 2021 report with blanks and notes, the 2019 one with signed changes and an amount with its unit.
const docx = { mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", pages: null, textSource: "docx" };
writeWithTruth(`${yunxi.id}-docx.docx`, reportDocx(yunxi), yunxi, docx);
writeWithTruth(`${qinghe.id}-docx.docx`, reportDocx(qinghe), qinghe, docx);

// Binary Word (the project's own writer): a .doc of the 2019 report, and the 2021 one with blanks as a .wps (Kingsoft's name for the same format).
const doc = { mediaType: "application/msword", pages: null, textSource: "doc" };
writeWithTruth(`${qinghe.id}-doc.doc`, reportDoc(qinghe), qinghe, doc);
writeWithTruth(`${yunxi.id}-wps.wps`, reportDoc(yunxi), yunxi, doc);

// OFD (the project's own writer): the 2021 report with blanks and a note wrapped in its cell, and the 2019 one.
writeWithTruth(`${chengjiang.id}-ofd.ofd`, reportOfd(chengjiang), chengjiang, { mediaType: "application/ofd", pages: 5, textSource: "ofd" });
writeWithTruth(`${qinghe.id}-ofd.ofd`, reportOfd(qinghe), qinghe, { mediaType: "application/ofd", pages: 5, textSource: "ofd" });

write(INPUTS, "encrypted.pdf", (await reportPdf(qinghe, { userPassword: "nianbao" })).bytes);
write(INPUTS, "image-only.pdf", await imageOnlyPdf());
write(INPUTS, "not-a-report.pdf", await notAReportPdf());
write(INPUTS, "not-a-report.html", notAReportHtml());
write(INPUTS, "empty.txt", "");
write(INPUTS, "binary.bin", binaryNoise());

process.stdout.write(`${written.map((f) => `wrote ${f}`).join("\n")}\n`);
