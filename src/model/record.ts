/**
 * The report record as zod schemas: the single source of the TypeScript types and of
 * the published JSON Schema (`nianbao schema`). The three tables are built from the
 * template definition (src/definition), so their keys, titles and value types are
 * the definition's; shape and key names follow shared/spec/report-schema.md exactly,
 * and fields beyond the contract are marked as such.
 */
import { z } from "zod";
import { AMOUNT_UNITS, CHAPTERS, TEMPLATE_2019, TEMPLATE_2021, type ColumnDef, type RowDef, type TableDef, type ValueType } from "../definition/index.js";
import { Issue } from "./issue.js";
import { Provenance } from "./provenance.js";

// ---- cells, rows and tables from the definition ------------------------------------

/** Printed or converted amount: `{ value, unit }` (采购总金额). */
export const Amount = z.strictObject({
  value: z.number().nonnegative().nullable(),
  unit: z.enum(AMOUNT_UNITS).nullable().meta({ description: "as printed in the cell or the column header; null if none is printed" }),
});
export type Amount = z.infer<typeof Amount>;

type NumberCell = z.ZodNullable<z.ZodNumber>;
type CellSchema<T extends ValueType> = T extends "amount" ? typeof Amount : NumberCell;

function cellSchema(column: ColumnDef): NumberCell | typeof Amount {
  switch (column.type) {
    case "count":
      return z.number().int().nonnegative().nullable().meta({ title: column.label });
    case "signedCount":
      return z.number().int().nullable().meta({ title: column.label, description: "signed: 增 → positive, 减 → negative" });
    case "decimal":
      return z.number().nonnegative().nullable().meta({ title: column.label, description: `in ${column.unit ?? "the column's unit"}` });
    case "amount":
      return Amount.meta({ title: column.label });
  }
}

type ColumnsShape<C extends readonly ColumnDef[]> = { [K in C[number] as K["key"]]: CellSchema<K["type"]> };
type RowColumns<T extends TableDef, R extends RowDef> = R["columns"] extends readonly ColumnDef[] ? R["columns"] : T["columns"] extends readonly ColumnDef[] ? T["columns"] : never;
type TableShape<T extends TableDef> = { [R in T["rows"][number] as R["key"]]: z.ZodObject<ColumnsShape<RowColumns<T, R>>, z.core.$strict> };
export type TableSchema<T extends TableDef> = z.ZodObject<TableShape<T>, z.core.$strict>;

/** A row's full printed label: its group labels and its own. */
export function rowTitle(row: RowDef): string {
  return [...(row.groups ?? []), row.label].join(" ");
}

/**
 * A strict object per row (its columns), in a strict object per table (its rows). A
 * column's schema is made once and shared by the rows that print it: building zod
 * schemas is a good part of a fresh process's start.
 */
const cells = new Map<ColumnDef, NumberCell | typeof Amount>();
function tableSchema<T extends TableDef>(table: T, title: string): TableSchema<T> {
  const cell = (c: ColumnDef) => cells.get(c) ?? cells.set(c, cellSchema(c)).get(c)!;
  const rows: Record<string, z.ZodType> = {};
  for (const row of table.rows) {
    const columns = row.columns ?? table.columns ?? [];
    rows[row.key] = z.strictObject(Object.fromEntries(columns.map((c) => [c.key, cell(c)]))).meta({ title: rowTitle(row) });
  }
  return z.strictObject(rows).meta({ title }) as unknown as TableSchema<T>;
}

const t19 = TEMPLATE_2019.tables;
const t21 = TEMPLATE_2021.tables;

// ---- table 二 · 主动公开政府信息情况 -------------------------------------------------

export const ActiveDisclosure2019 = tableSchema(t19.activeDisclosure, `${t19.activeDisclosure.title} (2019 template)`);
export const ActiveDisclosure2021 = tableSchema(t21.activeDisclosure, `${t21.activeDisclosure.title} (2021 template)`);
export type ActiveDisclosure2019 = z.infer<typeof ActiveDisclosure2019>;
export type ActiveDisclosure2021 = z.infer<typeof ActiveDisclosure2021>;

// ---- table 三 · 收到和处理政府信息公开申请情况 -------------------------------------------

/** Table 三 with the single （六） row (2019 form: 23 rows). */
export const Applications2019 = tableSchema(t19.applications, `${t19.applications.title} (2019 form: one （六） row)`);
/** Table 三 with the three （六） rows (2021 form: 25 rows). */
export const Applications2021 = tableSchema(t21.applications, `${t21.applications.title} (2021 form: three （六） rows)`);
export const Applications = z.union([Applications2019, Applications2021]);
export type Applications2019 = z.infer<typeof Applications2019>;
export type Applications2021 = z.infer<typeof Applications2021>;
export type Applications = z.infer<typeof Applications>;
export type ApplicationRowValues = Applications2021["granted"];

// ---- table 四 · 政府信息公开行政复议、行政诉讼情况 ------------------------------------------

// Both versions print table 四 alike (a test holds them to it): one schema.
export const ReviewLitigation = tableSchema(t21.reviewLitigation, t21.reviewLitigation.title);
export type ReviewLitigation = z.infer<typeof ReviewLitigation>;
export type ReviewGroupValues = ReviewLitigation["review"];

// ---- the record ------------------------------------------------------------------

/**
 * How the text was had. The contract's five, and the input kinds added since (each its own,
 * as the contract asks): "docx" (Word XML), "doc" (binary Word .doc and Kingsoft .wps),
 * "ofd" (an OFD's text objects; an OFD read by OCR is "ocr", in part "mixed") and "dump"
 * (a crawler's text dump).
 */
export const TextSource = z
  .enum(["pdf-text", "ocr", "html", "text", "mixed", "docx", "doc", "ofd", "dump"])
  .meta({ description: 'how the text was had: "pdf-text" | "ocr" | "html" | "text" | "mixed", and the kinds added since (beyond the contract\'s five): "docx", "doc" (also .wps), "ofd", "dump" (a crawler\'s text dump)' });
export type TextSource = z.infer<typeof TextSource>;

export const Source = z.object({
  name: z.string().meta({ description: "file name or URL" }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).meta({ description: "of the input bytes" }),
  mediaType: z.string(),
  pages: z.number().int().positive().nullable().meta({ description: "null for text and HTML" }),
  textSource: TextSource,
  encoding: z.string().nullable().optional().meta({ description: "(beyond the contract) character encoding the text was decoded from" }),
  bytes: z.number().int().nonnegative().optional().meta({ description: "(beyond the contract) input size" }),
  url: z.string().optional().meta({ description: "where it was fetched (crawl)" }),
  fetchedAt: z.string().optional().meta({ description: "when it was fetched (ISO 8601)" }),
  publishedAt: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/)
    .optional()
    .meta({ description: "(beyond the contract) when the document says it was published (a crawler dump's header): an ISO 8601 date, or a local date-time as printed, no time zone guessed" }),
  foundOn: z.string().optional().meta({ description: "the listing page that linked it (crawl)" }),
  linkText: z.string().optional().meta({ description: "the text of the link it was found by (crawl)" }),
});
export type Source = z.infer<typeof Source>;

const metaBase = {
  title: z.string().nullable(),
  organ: z.string().nullable().meta({ description: "the publishing body, as the report names it" }),
  year: z.number().int().min(1990).max(2100).nullable().meta({ description: "the statistics year, not the publication year" }),
};

const chapterTitle = (section: string) => CHAPTERS.find((c) => "section" in c && c.section === section)?.title ?? undefined;
export const Sections = z.object({
  overview: z.string().nullable().meta({ description: chapterTitle("overview") }),
  problems: z.string().nullable().meta({ description: chapterTitle("problems") }),
  other: z.string().nullable().meta({ description: chapterTitle("other") }),
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
/**
 * No template version: a report from before 2019 (free-form tables: `UNSUPPORTED_TEMPLATE`,
 * no table numbers), or tables that do not show their version (`TEMPLATE_UNDECIDED`):
 * table 二's fields depend on the version and stay out; tables 三 and 四 may be read.
 */
export const ReportRecordUnsupported = z.object({
  ...common,
  meta: z.object({ ...metaBase, template: z.null() }),
  activeDisclosure: z.null(),
  applications: Applications.nullable(),
  reviewLitigation: ReviewLitigation.nullable(),
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
