import { describe, expect, expectTypeOf, it } from "vitest";
import { columnKeys, columnsOf, rowKeys, TEMPLATES } from "../src/definition/index.js";
import {
  ActiveDisclosure2019,
  ActiveDisclosure2021,
  Applications2019,
  Applications2021,
  ReportRecord,
  ReviewLitigation,
  recordJsonSchema,
  Source,
  TextSource,
  type ReportRecord2019,
  type ReportRecord2021,
  type ReportRecordUnsupported,
} from "../src/model/record.js";
import { Origin } from "../src/model/provenance.js";

describe("record schema", () => {
  it("has exactly the row and column keys of the contract", () => {
    // The contract's counts (shared/spec/report-schema.md), independent of the definition.
    expect(Object.keys(Applications2019.shape).length).toBe(23);
    expect(Object.keys(Applications2021.shape).length).toBe(25);
    expect(Object.keys(Applications2019.shape)).toContain("otherHandling");
    expect(Object.keys(Applications2021.shape)).toEqual(expect.arrayContaining(["otherOverdueCorrection", "otherOverdueFee", "otherOther"]));
    expect(Object.keys(Applications2021.shape.granted.shape)).toEqual(["naturalPerson", "commercialEnterprise", "researchInstitution", "socialWelfareOrganization", "legalServiceInstitution", "otherOrganization", "total"]);
    expect(Object.keys(ReviewLitigation.shape)).toEqual(["review", "litigationDirect", "litigationAfterReview"]);
    expect(Object.keys(ReviewLitigation.shape.review.shape)).toEqual(["upheld", "corrected", "other", "pending", "total"]);
  });

  it("is derived from the template definitions, key for key", () => {
    for (const [version, schema] of [["2019", Applications2019], ["2021", Applications2021]] as const) {
      const def = TEMPLATES[version].tables.applications;
      expect(Object.keys(schema.shape)).toEqual(rowKeys(def));
      for (const row of Object.values(schema.shape)) expect(Object.keys(row.shape)).toEqual(columnKeys(def));
    }
    for (const [version, schema] of [["2019", ActiveDisclosure2019], ["2021", ActiveDisclosure2021]] as const) {
      const def = TEMPLATES[version].tables.activeDisclosure;
      expect(Object.keys(schema.shape)).toEqual(rowKeys(def));
      for (const row of def.rows) expect(Object.keys((schema.shape as Record<string, { shape: object }>)[row.key]!.shape)).toEqual(columnsOf(def, row).map((c) => c.key));
    }
    // Both versions print table 四 alike: one schema serves both.
    expect(JSON.stringify(TEMPLATES["2019"].tables.reviewLitigation.rows)).toBe(JSON.stringify(TEMPLATES["2021"].tables.reviewLitigation.rows));
    expect(JSON.stringify(TEMPLATES["2019"].tables.reviewLitigation.columns)).toBe(JSON.stringify(TEMPLATES["2021"].tables.reviewLitigation.columns));
  });

  it("types the variants by meta.template", () => {
    expectTypeOf<ReportRecord2019["meta"]["template"]>().toEqualTypeOf<"2019">();
    expectTypeOf<ReportRecord2021["meta"]["template"]>().toEqualTypeOf<"2021">();
    expectTypeOf<ReportRecordUnsupported["activeDisclosure"]>().toEqualTypeOf<null>();
    expectTypeOf<ReportRecord2019["activeDisclosure"]>().toEqualTypeOf<ActiveDisclosure2019 | null>();
    expectTypeOf<NonNullable<ReportRecord2021["activeDisclosure"]>["fees"]["amountWanYuan"]>().toEqualTypeOf<number | null>();
    expectTypeOf<NonNullable<ReportRecord2019["activeDisclosure"]>["procurement"]["amount"]["unit"]>().toEqualTypeOf<"元" | "万元" | "亿元" | null>();
    expectTypeOf<Applications2019["otherHandling"]["total"]>().toEqualTypeOf<number | null>();
  });

  it("rejects what the contract forbids", () => {
    const row = { naturalPerson: -1, commercialEnterprise: 0, researchInstitution: 0, socialWelfareOrganization: 0, legalServiceInstitution: 0, otherOrganization: 0, total: 0 };
    expect(Applications2021.shape.granted.safeParse(row).success).toBe(false);
    expect(Applications2021.shape.granted.safeParse({ ...row, naturalPerson: 1.5 }).success).toBe(false);
    expect(Applications2021.shape.granted.safeParse({ ...row, naturalPerson: null }).success).toBe(true);
    expect(Applications2021.shape.granted.safeParse({ ...row, naturalPerson: 0, extra: 1 }).success).toBe(false);
    expect(ActiveDisclosure2019.shape.fees.safeParse({ previousYear: 12, change: -4 }).success).toBe(true);
    expect(ActiveDisclosure2021.shape.fees.safeParse({ amountWanYuan: 12.345 }).success).toBe(true);
    expect(ActiveDisclosure2021.shape.fees.safeParse({ amountWanYuan: -1 }).success).toBe(false);
  });

  it("names the input kinds added since the contract's five, and their provenance origins", () => {
    expect(TextSource.options).toEqual(["pdf-text", "ocr", "html", "text", "mixed", "docx", "doc", "ofd", "dump"]);
    expect(Origin.options.map((o) => o.shape.kind.value)).toEqual(expect.arrayContaining(["pdf", "html", "docx", "doc", "ofd", "html-text", "text"]));
    expect(Origin.safeParse({ kind: "doc", table: 0, row: 1, cell: 2 }).success).toBe(true);
    expect(Origin.safeParse({ kind: "doc", table: 0, row: 1, col: 2 }).success).toBe(false);
    expect(Source.shape.publishedAt.safeParse("2024-03-08T15:34").success).toBe(true);
    expect(Source.shape.publishedAt.safeParse("2024年3月8日").success).toBe(false);
    const text = JSON.stringify(recordJsonSchema());
    for (const kind of ['"docx"', '"ofd"', '"dump"']) expect(text).toContain(kind);
    expect(text).toContain("OFD's millimetres");
  });

  it("publishes a JSON Schema with the Chinese labels as titles", () => {
    const schema = recordJsonSchema() as { $defs: Record<string, unknown> };
    expect(Object.keys(schema.$defs)).toContain("ReportRecord");
    expect(ReportRecord).toBeDefined();
    const text = JSON.stringify(schema);
    expect(text).toContain("本年新收政府信息公开申请数量");
    expect(text).toContain("本年收费金额（单位：万元）");
  });
});

describe("validateRecord", () => {
  // A process validates its first records with zod's interpreted parser and compiles it
  // afterwards (src/validate/index.ts): both must find the same violations.
  it("finds the same schema violations interpreted and compiled", async () => {
    const { extractFile } = await import("../src/pipeline.js");
    const { validateRecord } = await import("../src/validate/index.js");
    const record = await extractFile(new URL("../fixtures/jixian-2020.txt", import.meta.url).pathname, { provenance: false });
    const applications = record.applications as unknown as Record<string, Record<string, unknown>>;
    applications.granted!.naturalPerson = -3;
    applications.newReceived!.total = "12";
    const runs = Array.from({ length: 8 }, () => validateRecord(record));
    const violations = runs[0]!.filter((i) => i.code === "SCHEMA_VIOLATION").map((i) => i.path);
    expect(violations).toEqual(expect.arrayContaining(["applications.granted.naturalPerson", "applications.newReceived.total"]));
    for (const run of runs) expect(run).toEqual(runs[0]);
  });
});
