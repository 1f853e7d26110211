/**
 * PDFs exported by LibreOffice from the project's own DOCX fixtures, made once and
 * committed (LibreOffice is too heavy to install for every CI run, and its output holds
 * dates and ids that change from run to run):
 *
 *   npx tsx scripts/gen-libreoffice.ts        (needs `soffice`: Debian libreoffice-writer-nogui)
 *
 * fixtures/libreoffice/<id>.pdf is fixtures/generated/<id>.docx as LibreOffice Writer
 * exports it to PDF, with its tracked changes showing as LibreOffice shows them by
 * default: deletions struck through, insertions underlined. The truth is the DOCX's,
 * fixtures/generated/<id>.truth.json.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const IDS = ["yunxi-2023-docx", "qinghe-2020-docx"];
const out = join(ROOT, "fixtures/libreoffice");
const work = mkdtempSync(join(tmpdir(), "nianbao-libreoffice-"));
try {
  mkdirSync(out, { recursive: true });
  for (const id of IDS) {
    // A profile of its own, so that a user's LibreOffice settings do not change the export.
    execFileSync("soffice", [`-env:UserInstallation=file://${join(work, "profile")}`, "--headless", "--convert-to", "pdf", "--outdir", work, join(ROOT, "fixtures/generated", `${id}.docx`)], { stdio: "ignore", timeout: 300_000 });
    copyFileSync(join(work, `${id}.pdf`), join(out, `${id}.pdf`));
    process.stdout.write(`fixtures/libreoffice/${id}.pdf\n`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
