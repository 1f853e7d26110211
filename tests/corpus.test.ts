/**
 * The acceptance test of the extractor: every document of the shared corpus (found
 * by listing it, not named here) goes through the CLI, and the shared scorer must
 * find every cell right.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { listDocuments, listTruths } from "../src/eval/corpus.js";
import { validateRecord } from "../src/validate/index.js";
import type { ReportRecord } from "../src/model/record.js";
import { CORPUS, describeCorpus, HAS_CORPUS, runCli, SHARED, tempDir } from "./helpers.js";

const corpus = CORPUS;
const truths = HAS_CORPUS ? listTruths(corpus) : new Map<string, Record<string, unknown>>();
const documents = HAS_CORPUS ? listDocuments(corpus).filter((d) => truths.has(d.id)) : [];

describeCorpus("shared corpus", () => {
  const out = tempDir();

  it("has documents with truth files", () => {
    expect(documents.length).toBeGreaterThanOrEqual(8);
  });

  it("extracts every document with the CLI", () => {
    const result = runCli(["extract", "--out", out, ...documents.map((d) => d.path)]);
    expect(result.stderr).not.toMatch(/nianbao: /);
    expect(result.status).toBe(0);
  });

  it("scores 100 % of cells with shared/tools/score.mjs", () => {
    const score = spawnSync(process.execPath, [join(SHARED, "tools/score.mjs"), "--records", out, "--truth", corpus, "--json"], { encoding: "utf8" });
    expect(score.status).toBe(0);
    const summary = JSON.parse(score.stdout) as { accuracy: number; reports: number; perfect: number; rows: { id: string; wrong: unknown[] }[] };
    const wrong = summary.rows.filter((r) => r.wrong.length > 0).map((r) => ({ id: r.id, wrong: r.wrong.slice(0, 5) }));
    expect(wrong).toEqual([]);
    expect(summary.accuracy).toBe(1);
    expect(summary.reports).toBe(truths.size);
  });

  it.each(documents.map((d) => [d.id]))("%s: identities hold and the record validates", (id) => {
    const record = JSON.parse(readFileSync(join(out, `${id}.json`), "utf8")) as ReportRecord;
    const truth = truths.get(id)!;
    const errors = record.issues.filter((i) => i.severity === "error");
    expect(errors).toEqual([]);
    expect(validateRecord(record)).toEqual([]);
    const expectedCodes = (truth.expectedIssueCodes as string[] | undefined) ?? [];
    for (const code of expectedCodes) expect(record.issues.map((i) => i.code)).toContain(code);
    if ((truth.meta as { template: unknown }).template === null) {
      expect(record.activeDisclosure).toBeNull();
      expect(record.applications).toBeNull();
      expect(record.reviewLitigation).toBeNull();
    }
  });
});
