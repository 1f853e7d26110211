/**
 * Regenerates the project's own fixtures from its own report data (scripts/fixtures):
 *
 *   npm run fixtures [-- --out DIR]      (default: the repository's fixtures/)
 *
 * fixtures/generated/  reports as PDF, HTML and text in several encodings, each with
 *                      <id>.truth.json written from the same data;
 * fixtures/inputs/     inputs the extractor must refuse (encrypted, scan, not a report).
 *
 * Output is deterministic (fixed dates, no randomness): rerunning gives the same bytes.
 * Needs the CJK font /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc (Debian fonts-wqy-zenhei).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { cmapReportPdf } from "./fixtures/cmap-pdf.js";
import { encodeGb18030, encodeUtf16le, encodeUtf8Bom } from "./fixtures/encodings.js";
import { reportHtml } from "./fixtures/html.js";
import { truthOf, type FixtureReport } from "./fixtures/model.js";
import { imageOnlyPdf, notAReportPdf } from "./fixtures/odd-inputs.js";
import { CJK_FONT, reportPdf } from "./fixtures/pdf.js";
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
function writeWithTruth(name: string, bytes: Buffer | string, report: FixtureReport, source: { mediaType: string; pages: number | null; textSource: string }): void {
  write(GENERATED, name, bytes);
  const id = name.replace(/\.[^.]+$/, "");
  write(GENERATED, `${id}.truth.json`, `${JSON.stringify(truthOf(report, { name, ...source }), null, 1)}\n`);
}

const qinghe = REPORTS.qinghe2020();
const chengjiang = REPORTS.chengjiang2022();
const yunxi = REPORTS.yunxi2023();
const minghu = REPORTS.minghu2021();

// Table 三 of the 2021-template PDF breaks inside the （三）不予公开 group, as real reports do.
for (const [report, breakTable3Before] of [[qinghe, undefined], [chengjiang, "deniedProcessInformation"]] as const) {
  const { bytes, pages } = await reportPdf(report, breakTable3Before ? { breakTable3Before } : {});
  writeWithTruth(`${report.id}.pdf`, bytes, report, { mediaType: "application/pdf", pages, textSource: "pdf-text" });
}
const cmap = cmapReportPdf(minghu);
writeWithTruth(`${minghu.id}.pdf`, cmap.bytes, minghu, { mediaType: "application/pdf", pages: cmap.pages, textSource: "pdf-text" });

const html = { mediaType: "text/html", pages: null, textSource: "html" };
writeWithTruth(`${yunxi.id}.html`, reportHtml(yunxi, "utf-8"), yunxi, html);
writeWithTruth(`${yunxi.id}-gbk.html`, encodeGb18030(reportHtml(yunxi, "gb2312")), yunxi, html);

const text = { mediaType: "text/plain", pages: null, textSource: "text" };
const qingheText = reportText(qinghe);
writeWithTruth(`${qinghe.id}.txt`, encodeUtf8Bom(qingheText), qinghe, text);
writeWithTruth(`${qinghe.id}-utf16.txt`, encodeUtf16le(qingheText), qinghe, text);
writeWithTruth(`${qinghe.id}-gbk.txt`, encodeGb18030(qingheText), qinghe, text);

write(INPUTS, "encrypted.pdf", (await reportPdf(qinghe, { userPassword: "nianbao" })).bytes);
write(INPUTS, "image-only.pdf", await imageOnlyPdf());
write(INPUTS, "not-a-report.pdf", await notAReportPdf());

process.stdout.write(`${written.map((f) => `wrote ${f}`).join("\n")}\n`);
