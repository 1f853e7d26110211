import { z } from "zod";
import { IDENTITY_CODES } from "../definition/index.js";

/**
 * Issue codes a record can carry. Validation never rejects a report: what fails is
 * recorded here, with the cell path it concerns.
 */
export const ISSUE_CODES = {
  UNSUPPORTED_TEMPLATE: "the report predates the 2019 template (or its tables are free-form): no table numbers are read",
  TABLE_MISSING: "a template table was not found",
  ROW_MISSING: "a row of a template table was not found",
  UNKNOWN_LABEL: "a table row with numbers whose label matches no template row",
  ROW_ALONE: "a row of a table without rulings printed its label with no value beside it; its cells are read as blank",
  CELLS_AMBIGUOUS: "the values of a row could not be placed in their columns with certainty; they are left null",
  CELLS_PLACED: "a row printed fewer values than columns; they were placed by position, arithmetic or what each value prints (a unit, 增/减)",
  CELL_NOTE: "a cell carried a note beside its number; the leading number is the value",
  CELL_UNPARSED: "a cell's text is not a number; the value is null",
  TEXT_STRUCK: "text printed struck through (a deletion shown with its tracked changes) was left out",
  UNIT_CONVERTED: "a cell printed a unit other than the column's; the value was converted",
  MIXED_TEMPLATE: "tables of the report follow different template versions",
  TEMPLATE_UNDECIDED: "a table prints nothing that tells its template version; what depends on the version is not guessed",
  // The identities' codes come with the identities, from the template definition.
  ...IDENTITY_CODES,
  IDENTITY_SUSPECT_CELL: "the cell where a failed row identity and a failed column identity cross",
  SCHEMA_VIOLATION: "a value breaks the record schema (e.g. a negative count)",
  OCR_FAILED: "a page could not be read by OCR (time cap, engine error); its content is missing",
  OCR_SKIPPED: "a page has no usable text layer and OCR is turned off; its content is missing",
  OCR_UNCERTAIN: "an OCR reading its reader was not confident of (below 50): nothing but the identities, where they can be checked, vouches for it",
  OCR_REPAIRED: "an OCR reading was replaced by the unique alternative that makes every identity hold",
  META_MISSING: "title, organ or year could not be read",
  YEAR_MISMATCH: "the statistics period and the title name different years",
} as const;
export const IssueCode = z.enum(Object.keys(ISSUE_CODES) as [keyof typeof ISSUE_CODES, ...(keyof typeof ISSUE_CODES)[]]);
export type IssueCode = z.infer<typeof IssueCode>;

export const Issue = z.object({
  code: IssueCode,
  severity: z.enum(["error", "warning", "info"]),
  path: z.string().nullable().meta({ description: "the cell or table the issue is about, e.g. applications.granted.total" }),
  message: z.string(),
  expected: z.union([z.number(), z.string()]).optional(),
  actual: z.union([z.number(), z.string(), z.null()]).optional(),
});
export type Issue = z.infer<typeof Issue>;
