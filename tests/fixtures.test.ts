/**
 * The project's own fixtures (fixtures/generated, made by scripts/gen-fixtures.ts from
 * scripts/fixtures): every one must score 100 % with the shared scorer, and the
 * committed files must be exactly what the generator makes.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { listDocuments, listTruths } from "../src/eval/corpus.js";
import type { ReportRecord } from "../src/model/record.js";
import { validateRecord } from "../src/validate/index.js";
import { FIXTURES, ROOT, runCli, scoreRecords, tempDir } from "./helpers.js";

const GENERATED = join(FIXTURES, "generated");
const truths = listTruths(GENERATED);
const documents = listDocuments(GENERATED).filter((d) => truths.has(d.id));
const out = tempDir();
const records = new Map<string, ReportRecord>();

describe("generated fixtures", () => {
  it("cover both templates, PDF, HTML and text", () => {
    expect(documents.map((d) => d.path.split(".").pop()).sort()).toEqual(expect.arrayContaining(["html", "pdf", "txt"]));
    expect(new Set([...truths.values()].map((t) => (t.meta as { template: string }).template))).toEqual(new Set(["2019", "2021"]));
  });

  it("extract with the CLI and score 100 % (with shared/tools/score.mjs when ../shared is there)", () => {
    // Documents sharing a truth (qinghe-2020.pdf and .txt) go to runs of their own, so
    // each is written as <id>.json and scored; records are kept by file name.
    const runs: (typeof documents)[] = [];
    for (const d of documents) {
      const run = runs.find((r) => !r.some((x) => x.id === d.id));
      if (run) run.push(d);
      else runs.push([d]);
    }
    runs.forEach((run, i) => {
      const dir = join(out, String(i));
      const result = runCli(["extract", "--out", dir, ...run.map((d) => d.path)]);
      expect(result.stderr).not.toMatch(/nianbao: /);
      expect(result.status).toBe(0);
      for (const d of run) records.set(basename(d.path), JSON.parse(readFileSync(join(dir, `${d.id}.json`), "utf8")) as ReportRecord);
      // Scored against every truth of the folder: this run's documents must be exact.
      const rows = scoreRecords(dir, GENERATED).rows.filter((r) => run.some((d) => d.id === r.id));
      expect(rows).toHaveLength(run.length);
      expect(rows.filter((r) => r.wrong.length > 0 || r.correct !== r.cells)).toEqual([]);
    });
    expect(records.size).toBe(documents.length);
  });

  it("hold every identity and validate", () => {
    for (const [id, record] of records) {
      expect({ id, errors: record.issues.filter((i) => i.severity === "error") }).toEqual({ id, errors: [] });
      expect(validateRecord(record)).toEqual([]);
    }
  });

  it("keep blank cells null (not 0) and read notes beside numbers", () => {
    const cj = records.get("chengjiang-2022.pdf")!;
    expect(cj.applications?.deniedStateSecret.researchInstitution).toBeNull();
    expect(cj.applications?.deniedStateSecret.socialWelfareOrganization).toBe(0);
    expect(cj.applications?.unableNeedsCreation.naturalPerson).toBe(12);
    expect(cj.issues).toContainEqual(expect.objectContaining({ code: "CELL_NOTE", path: "applications.unableNeedsCreation.naturalPerson" }));
    const yx = records.get("yunxi-2023.html")!;
    expect(yx.activeDisclosure).toMatchObject({ coercion: { decisions: null }, normativeDocuments: { inForce: 15 } });
    expect(yx.applications?.notProcessedComplaint).toMatchObject({ socialWelfareOrganization: null, legalServiceInstitution: null, total: 4 });
  });

  it("reads table 三 across its page break, without the page number", () => {
    const cj = records.get("chengjiang-2022.pdf")!;
    const before = cj.provenance!["applications.deniedInternalAffairs.total"]!.origin;
    const after = cj.provenance!["applications.deniedProcessInformation.total"]!.origin;
    expect(before.kind === "pdf" && after.kind === "pdf" && after.page === before.page + 1).toBe(true);
  });

  it("detect each text encoding", () => {
    expect(records.get("qinghe-2020.txt")!.source.encoding).toBe("utf-8");
    expect(records.get("qinghe-2020-utf16.txt")!.source.encoding).toBe("utf-16le");
    expect(records.get("qinghe-2020-gbk.txt")!.source.encoding).toBe("gb18030");
    expect(records.get("yunxi-2023-gbk.html")!.source.encoding).toBe("gb18030");
    expect(records.get("yunxi-2023-gbk.html")!.sections).toEqual(records.get("yunxi-2023.html")!.sections);
  });

  it("decode a non-embedded CJK font through pdf.js's predefined CMaps, offline", () => {
    const cmap = records.get("minghu-2021-cmap.pdf")!;
    expect(cmap.meta).toMatchObject({ organ: "明湖县人民政府", year: 2021 });
    expect(cmap.sections.overview).toContain("明湖县人民政府认真落实政府信息公开各项要求");
  });

  it("are exactly what the generator makes", () => {
    const font = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";
    if (!existsSync(font)) throw new Error(`the generator needs ${font} (apt-get install fonts-wqy-zenhei; .ci/run installs it)`);
    const regenerated = tempDir();
    const run = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts/gen-fixtures.ts"), "--out", regenerated], { encoding: "utf8" });
    expect(run.status).toBe(0);
    for (const sub of ["generated", "inputs"]) {
      for (const d of listDocuments(join(FIXTURES, sub))) {
        const name = d.path.split("/").pop()!;
        expect({ name, same: readFileSync(join(regenerated, sub, name)).equals(readFileSync(d.path)) }).toEqual({ name, same: true });
      }
    }
  }, 120_000);
});
