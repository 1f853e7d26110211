import { copyFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ReportRecord } from "../src/model/record.js";
import { CORPUS, describeCorpus, FIXTURES, itCorpus, runCli, tempDir } from "./helpers.js";

describe("nianbao extract", () => {
  it("prints the record of a text report on stdout, logs on stderr as pino JSON", () => {
    const result = runCli(["extract", join(FIXTURES, "jixian-2020.txt")], { env: { LOG_LEVEL: "info" } });
    expect(result.status).toBe(0);
    const record = JSON.parse(result.stdout) as ReportRecord;
    expect(record.meta).toEqual({ title: "集贤县人民政府2020年政府信息公开工作年度报告", organ: "集贤县人民政府", year: 2020, template: "2019" });
    expect(record.source).toMatchObject({ name: "jixian-2020.txt", mediaType: "text/plain", pages: null, textSource: "text", encoding: "utf-8" });
    const log = result.stderr.trim().split("\n").map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(log.some((l) => l.msg === "record extracted")).toBe(true);
  });

  it("points every text value back to its line", () => {
    const result = runCli(["extract", join(FIXTURES, "jixian-2020.txt")]);
    const record = JSON.parse(result.stdout) as ReportRecord;
    const lines = readFileSync(join(FIXTURES, "jixian-2020.txt"), "utf8").split("\n");
    const prov = record.provenance!["applications.newReceived.naturalPerson"]!;
    expect(prov).toMatchObject({ origin: { kind: "text" }, raw: "16" });
    if (prov.origin.kind !== "text") throw new Error("text origin expected");
    expect(lines[prov.origin.line - 1]).toContain("一、本年新收政府信息公开申请数量 16 2 0 0 0 0 18");
    expect(record.provenance!["activeDisclosure.licensing.change"]).toMatchObject({ raw: "增 113" });
    expect(record.provenance!["activeDisclosure.procurement.amount"]).toMatchObject({ raw: "2997 万元" });
  });

  itCorpus("points PDF values to their page and box, across the page break of table 三", () => {
    const result = runCli(["extract", join(CORPUS, "huaian-2024.pdf")]);
    const record = JSON.parse(result.stdout) as ReportRecord;
    expect(record.source).toMatchObject({ mediaType: "application/pdf", pages: 6, textSource: "pdf-text" });
    const granted = record.provenance!["applications.granted.naturalPerson"]!;
    expect(granted.raw).toBe("1288");
    expect(granted.origin).toMatchObject({ kind: "pdf", page: 4 });
    if (granted.origin.kind !== "pdf") throw new Error("pdf origin expected");
    const [x0, top, x1, bottom] = granted.origin.box;
    expect(x0).toBeGreaterThan(250);
    expect(x1).toBeLessThan(290);
    expect(top).toBeLessThan(bottom);
    // Table 三 continues on page 5 after the page number "-4-".
    expect(record.provenance!["applications.unableNeedsCreation.naturalPerson"]).toMatchObject({ raw: "11", origin: { kind: "pdf", page: 5 } });
  });

  it("leaves provenance out on request", () => {
    const record = JSON.parse(runCli(["extract", "--no-provenance", join(FIXTURES, "jixian-2020.txt")]).stdout) as ReportRecord;
    expect(record.provenance).toBeUndefined();
  });
});

describe("nianbao extract --out", () => {
  it("never writes two inputs' records to one file", () => {
    const work = tempDir("out-names-");
    for (const d of ["a", "b"]) {
      mkdirSync(join(work, d));
      copyFileSync(join(FIXTURES, "jixian-2020.txt"), join(work, d, "report.txt"));
    }
    copyFileSync(join(FIXTURES, "generated/qinghe-2020.txt"), join(work, "qinghe.txt"));
    copyFileSync(join(FIXTURES, "generated/qinghe-2020.pdf"), join(work, "qinghe.pdf"));
    const out = join(work, "out");
    const result = runCli(["extract", "--out", out, join(work, "a/report.txt"), join(work, "b/report.txt"), join(work, "qinghe.txt"), join(work, "qinghe.pdf")]);
    expect(result.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["qinghe.pdf.json", "qinghe.txt.json", "report.txt-1.json", "report.txt-2.json"]);
    expect((JSON.parse(readFileSync(join(out, "qinghe.pdf.json"), "utf8")) as ReportRecord).source.mediaType).toBe("application/pdf");
  });
});

describe("nianbao schema", () => {
  it("prints the record's JSON Schema with both template versions", () => {
    const result = runCli(["schema"]);
    expect(result.status).toBe(0);
    type Variant = { properties: { meta: { properties: { template: unknown } } } };
    const schema = JSON.parse(result.stdout) as { $schema: string; $ref: string; $defs: { ReportRecord: { anyOf: Variant[] } } };
    expect(schema.$schema).toMatch(/2020-12/);
    expect(schema.$ref).toBe("#/$defs/ReportRecord");
    expect(schema.$defs.ReportRecord.anyOf.map((v) => v.properties.meta.properties.template)).toEqual([
      { type: "string", const: "2019" },
      { type: "string", const: "2021" },
      { type: "null" },
    ]);
  });
});

describeCorpus("nianbao eval", () => {
  it("scores the shared corpus at 100 %", () => {
    const result = runCli(["eval", CORPUS, "--min", "1"]);
    expect(result.stdout).toMatch(/cell accuracy 100\.00%/);
    expect(result.status).toBe(0);
  });
});
