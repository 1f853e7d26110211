import { describe, expect, expectTypeOf, it } from "vitest";
import {
  ActiveDisclosure2019,
  ActiveDisclosure2021,
  Applications2019,
  Applications2021,
  ReportRecord,
  ReviewLitigation,
  recordJsonSchema,
  type ReportRecord2019,
  type ReportRecord2021,
  type ReportRecordUnsupported,
} from "../src/model/record.js";
import { ACTIVE_DISCLOSURE, APPLICANT_COLUMN_KEYS, applicationRowKeys, REVIEW_COLUMN_KEYS, REVIEW_GROUP_KEYS } from "../src/model/vocabulary.js";

describe("record schema", () => {
  it("has exactly the row and column keys of the contract", () => {
    expect(Object.keys(Applications2019.shape)).toEqual(applicationRowKeys("2019"));
    expect(Object.keys(Applications2021.shape)).toEqual(applicationRowKeys("2021"));
    expect(Object.keys(Applications2019.shape).length).toBe(23);
    expect(Object.keys(Applications2021.shape).length).toBe(25);
    expect(Object.keys(Applications2021.shape.granted.shape)).toEqual(APPLICANT_COLUMN_KEYS);
    expect(Object.keys(ReviewLitigation.shape)).toEqual(REVIEW_GROUP_KEYS);
    expect(Object.keys(ReviewLitigation.shape.review.shape)).toEqual(REVIEW_COLUMN_KEYS);
    for (const [version, schema] of [["2019", ActiveDisclosure2019], ["2021", ActiveDisclosure2021]] as const) {
      const spec = ACTIVE_DISCLOSURE[version] as Record<string, { fields: Record<string, string> }>;
      expect(Object.keys(schema.shape)).toEqual(Object.keys(spec));
      for (const [row, rowSchema] of Object.entries(schema.shape)) expect(Object.keys(rowSchema.shape)).toEqual(Object.keys(spec[row]!.fields));
    }
  });

  it("types the variants by meta.template", () => {
    expectTypeOf<ReportRecord2019["meta"]["template"]>().toEqualTypeOf<"2019">();
    expectTypeOf<ReportRecord2021["meta"]["template"]>().toEqualTypeOf<"2021">();
    expectTypeOf<ReportRecordUnsupported["applications"]>().toEqualTypeOf<null>();
    expectTypeOf<ReportRecord2019["activeDisclosure"]>().toEqualTypeOf<ActiveDisclosure2019 | null>();
    expectTypeOf<NonNullable<ReportRecord2021["activeDisclosure"]>["fees"]["amountWanYuan"]>().toEqualTypeOf<number | null>();
  });

  it("rejects what the contract forbids", () => {
    const row = { naturalPerson: -1, commercialEnterprise: 0, researchInstitution: 0, socialWelfareOrganization: 0, legalServiceInstitution: 0, otherOrganization: 0, total: 0 };
    expect(Applications2021.shape.granted.safeParse(row).success).toBe(false);
    expect(Applications2021.shape.granted.safeParse({ ...row, naturalPerson: 1.5 }).success).toBe(false);
    expect(Applications2021.shape.granted.safeParse({ ...row, naturalPerson: null }).success).toBe(true);
    expect(ActiveDisclosure2019.shape.fees.safeParse({ previousYear: 12, change: -4 }).success).toBe(true);
  });

  it("publishes a JSON Schema", () => {
    const schema = recordJsonSchema() as { $defs: Record<string, unknown> };
    expect(Object.keys(schema.$defs)).toContain("ReportRecord");
    expect(ReportRecord).toBeDefined();
  });
});
