/**
 * The report record as zod schemas: the single source of the TypeScript types and
 * of the published JSON Schema (`nianbao schema`). Shape and key names follow
 * shared/spec/report-schema.md exactly; fields beyond the contract are marked as such.
 */
import { z } from "zod";
import {
  ACTIVE_DISCLOSURE,
  AMOUNT_UNITS,
  APPLICANT_COLUMNS,
  APPLICATION_ROWS,
  REVIEW_COLUMNS,
  REVIEW_GROUPS,
} from "./vocabulary.js";
import { Issue } from "./issue.js";
import { Provenance } from "./provenance.js";

/** A count: a non-negative integer, or null where the cell is blank or a dash. */
const count = (label: string) => z.number().int().nonnegative().nullable().meta({ title: label });

/** Builds a strict object whose keys (and titles) come from a label table. */
function objectOf<K extends string, S extends z.ZodType>(labels: Readonly<Record<K, string>>, make: (label: string) => S) {
  const shape = {} as Record<K, S>;
  for (const key of Object.keys(labels) as K[]) shape[key] = make(labels[key]);
  return z.strictObject(shape);
}

// ---- table 二 · 主动公开政府信息情况 -------------------------------------------------

const ad19 = ACTIVE_DISCLOSURE["2019"];
const ad21 = ACTIVE_DISCLOSURE["2021"];

/** 本年增/减: signed (增 113 → 113, 减 4 → -4). */
const change = z.number().int().nullable().meta({ title: "本年增/减", description: "signed: 增 → positive, 减 → negative" });

export const Amount = z
  .strictObject({
    value: z.number().nonnegative().nullable(),
    unit: z.enum(AMOUNT_UNITS).nullable().meta({ description: "as printed in the cell or the column header; null if none is printed" }),
  })
  .meta({ title: "采购总金额" });
export type Amount = z.infer<typeof Amount>;

const published2019 = (label: string) =>
  z.strictObject({
    newlyMade: count(ad19.regulations.fields.newlyMade),
    newlyPublished: count(ad19.regulations.fields.newlyPublished),
    totalPublished: count(ad19.regulations.fields.totalPublished),
  }).meta({ title: label });

const items2019 = (label: string) =>
  z.strictObject({
    previousYear: count(ad19.licensing.fields.previousYear),
    change,
    decisions: count(ad19.licensing.fields.decisions),
  }).meta({ title: label });

export const ActiveDisclosure2019 = z
  .strictObject({
    regulations: published2019(ad19.regulations.label),
    normativeDocuments: published2019(ad19.normativeDocuments.label),
    licensing: items2019(ad19.licensing.label),
    otherServices: items2019(ad19.otherServices.label),
    penalty: items2019(ad19.penalty.label),
    coercion: items2019(ad19.coercion.label),
    fees: z.strictObject({ previousYear: count(ad19.fees.fields.previousYear), change }).meta({ title: ad19.fees.label }),
    procurement: z
      .strictObject({ projects: count(ad19.procurement.fields.projects), amount: Amount })
      .meta({ title: ad19.procurement.label }),
  })
  .meta({ title: "主动公开政府信息情况 (2019 template)" });
export type ActiveDisclosure2019 = z.infer<typeof ActiveDisclosure2019>;

const issued2021 = (label: string) =>
  z.strictObject({
    issued: count(ad21.regulations.fields.issued),
    repealed: count(ad21.regulations.fields.repealed),
    inForce: count(ad21.regulations.fields.inForce),
  }).meta({ title: label });

const decisions2021 = (label: string) => z.strictObject({ decisions: count(ad21.licensing.fields.decisions) }).meta({ title: label });

export const ActiveDisclosure2021 = z
  .strictObject({
    regulations: issued2021(ad21.regulations.label),
    normativeDocuments: issued2021(ad21.normativeDocuments.label),
    licensing: decisions2021(ad21.licensing.label),
    penalty: decisions2021(ad21.penalty.label),
    coercion: decisions2021(ad21.coercion.label),
    fees: z
      .strictObject({ amountWanYuan: z.number().nonnegative().nullable().meta({ title: ad21.fees.fields.amountWanYuan }) })
      .meta({ title: ad21.fees.label }),
  })
  .meta({ title: "主动公开政府信息情况 (2021 template)" });
export type ActiveDisclosure2021 = z.infer<typeof ActiveDisclosure2021>;

// ---- table 三 · 收到和处理政府信息公开申请情况 -------------------------------------------

export const ApplicationRowValues = objectOf(APPLICANT_COLUMNS, count);
export type ApplicationRowValues = z.infer<typeof ApplicationRowValues>;

/** Table 三 with the single （六）其他处理 row (2019 form: 23 rows). */
export const Applications2019 = objectOf(APPLICATION_ROWS["2019"], (label) => ApplicationRowValues.meta({ title: label })).meta({
  title: "收到和处理政府信息公开申请情况 (single （六）其他处理 row)",
});
/** Table 三 with the three （六） rows (2021 form: 25 rows). */
export const Applications2021 = objectOf(APPLICATION_ROWS["2021"], (label) => ApplicationRowValues.meta({ title: label })).meta({
  title: "收到和处理政府信息公开申请情况 (three （六） rows)",
});
export const Applications = z.union([Applications2019, Applications2021]);
export type Applications2019 = z.infer<typeof Applications2019>;
export type Applications2021 = z.infer<typeof Applications2021>;
export type Applications = z.infer<typeof Applications>;

// ---- table 四 · 政府信息公开行政复议、行政诉讼情况 ------------------------------------------

export const ReviewGroupValues = objectOf(REVIEW_COLUMNS, count);
export type ReviewGroupValues = z.infer<typeof ReviewGroupValues>;
export const ReviewLitigation = objectOf(REVIEW_GROUPS, (label) => ReviewGroupValues.meta({ title: label })).meta({
  title: "政府信息公开行政复议、行政诉讼情况",
});
export type ReviewLitigation = z.infer<typeof ReviewLitigation>;

// ---- the record ------------------------------------------------------------------

export const TextSource = z.enum(["pdf-text", "ocr", "html", "text", "mixed"]);
export type TextSource = z.infer<typeof TextSource>;

export const Source = z.object({
  name: z.string().meta({ description: "file name or URL" }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).meta({ description: "of the input bytes" }),
  mediaType: z.string(),
  pages: z.number().int().positive().nullable().meta({ description: "null for text and HTML" }),
  textSource: TextSource,
  encoding: z.string().nullable().optional().meta({ description: "(beyond the contract) character encoding the text was decoded from" }),
  bytes: z.number().int().nonnegative().optional().meta({ description: "(beyond the contract) input size" }),
});
export type Source = z.infer<typeof Source>;

const metaBase = {
  title: z.string().nullable(),
  organ: z.string().nullable().meta({ description: "the publishing body, as the report names it" }),
  year: z.number().int().min(1990).max(2100).nullable().meta({ description: "the statistics year, not the publication year" }),
};

export const Sections = z.object({
  overview: z.string().nullable().meta({ description: "一、总体情况" }),
  problems: z.string().nullable().meta({ description: "五、存在的主要问题及改进情况" }),
  other: z.string().nullable().meta({ description: "六、其他需要报告的事项" }),
});
export type Sections = z.infer<typeof Sections>;

const common = {
  schemaVersion: z.literal(1),
  source: Source,
  sections: Sections,
  issues: z.array(Issue),
  provenance: Provenance.optional(),
  extractor: z.object({ name: z.string(), version: z.string() }).optional().meta({ description: "(beyond the contract) what produced the record" }),
};

export const ReportRecord2019 = z.object({
  ...common,
  meta: z.object({ ...metaBase, template: z.literal("2019") }),
  activeDisclosure: ActiveDisclosure2019.nullable(),
  applications: Applications.nullable(),
  reviewLitigation: ReviewLitigation.nullable(),
});
export const ReportRecord2021 = z.object({
  ...common,
  meta: z.object({ ...metaBase, template: z.literal("2021") }),
  activeDisclosure: ActiveDisclosure2021.nullable(),
  applications: Applications.nullable(),
  reviewLitigation: ReviewLitigation.nullable(),
});
/** Reports outside the templates (before 2019): text and metadata, no table numbers. */
export const ReportRecordUnsupported = z.object({
  ...common,
  meta: z.object({ ...metaBase, template: z.null() }),
  activeDisclosure: z.null(),
  applications: z.null(),
  reviewLitigation: z.null(),
});

/** A report record; `meta.template` says which variant (the version of table 二). */
export const ReportRecord = z
  .union([ReportRecord2019, ReportRecord2021, ReportRecordUnsupported])
  .meta({ title: "Government information-disclosure annual report record", id: "ReportRecord" });
export type ReportRecord2019 = z.infer<typeof ReportRecord2019>;
export type ReportRecord2021 = z.infer<typeof ReportRecord2021>;
export type ReportRecordUnsupported = z.infer<typeof ReportRecordUnsupported>;
export type ReportRecord = z.infer<typeof ReportRecord>;

/** The record's JSON Schema (draft 2020-12), as `nianbao schema` prints it. */
export function recordJsonSchema(): unknown {
  return z.toJSONSchema(ReportRecord, { target: "draft-2020-12" });
}
