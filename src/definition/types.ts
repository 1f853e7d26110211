/**
 * The shapes of a template definition. A definition says, as data, what one version
 * of the national template (国办公开办函〔2019〕60号, 〔2021〕30号) prints: its tables,
 * their rows and columns with the labels real reports print, the values' types and
 * units, and the arithmetic identities (勾稽关系) that hold between the cells.
 */

export type TemplateVersion = "2019" | "2021";

/** The record's key of each template table. */
export type TableKey = "activeDisclosure" | "applications" | "reviewLitigation";

export type AmountUnit = "元" | "万元" | "亿元";

/**
 * What a cell holds:
 * - `count`: a non-negative integer;
 * - `signedCount`: an integer printed with its sign (增 113 → 113, 减 4 → −4);
 * - `decimal`: a non-negative number in the column's `unit` (printed in another unit, it is converted);
 * - `amount`: `{ value, unit }`, a non-negative number and the unit printed in the cell or the column header.
 */
export type ValueType = "count" | "signedCount" | "decimal" | "amount";

export interface ColumnDef {
  key: string;
  /** The column header as the template prints it. */
  label: string;
  /** The headers printed above this one, outermost first (申请人情况 › 法人或其他组织). */
  groups?: readonly string[];
  /** Header text that names this column in real reports (also how a table tells its version). */
  cue?: RegExp;
  type: ValueType;
  /** `decimal`: the unit values are recorded in. */
  unit?: AmountUnit;
}

export interface RowDef {
  key: string;
  /** The row's own label as the template prints it (1.属于国家秘密). */
  label: string;
  /** The labels printed beside it for its group, outermost first (三、本年度办理结果 › （三）不予公开). */
  groups?: readonly string[];
  /**
   * What names this row in real reports' labels, after compaction (NFKC, no spaces,
   * "1、" → "1."): the template's words and the variants real reports print (old
   * wordings, shortened group labels, known typos). A label names the row whose cue
   * ends last in it.
   */
  cue: RegExp;
  /**
   * The row's own words, for labels whose cue OCR has garbled; by default the label
   * without its numbering and punctuation.
   */
  name?: string;
  /** Table 二: the row's own columns (its sub-table's header). */
  columns?: readonly ColumnDef[];
}

/**
 * An identity written as data: in every row (`each: "row"`, terms are column keys) or
 * every column (`each: "column"`, terms are row keys) of its table,
 * the sum of `parts` equals the sum of `totals`. `totals[0]` is the cell the identity
 * computes: a failure is reported there, with the value that would make it hold.
 * A blank part counts as 0; the identity is not checked where a `requires` term
 * (by default `totals[0]`) is blank.
 */
export interface IdentityDef {
  /** Unique within the template, e.g. `applications.rowTotal`. */
  name: string;
  /** The issue code a failure is recorded under. */
  code: IdentityCode;
  each: "row" | "column";
  parts: readonly string[];
  totals: readonly string[];
  requires?: readonly string[];
  /** The identity in words, as the README prints it. */
  text: string;
}

/** The issue codes of failed identities (and what each means). */
export const IDENTITY_CODES = {
  IDENTITY_ROW_TOTAL: "table 三: a row's 总计 differs from the sum of its six applicant columns",
  IDENTITY_BALANCE: "table 三: a column's 本年新收 + 上年结转 differs from its （七）总计 + 结转下年度",
  IDENTITY_OUTCOMES: "table 三: a column's （七）总计 differs from the sum of its outcome rows",
  IDENTITY_REVIEW_TOTAL: "table 四: a group's 总计 differs from 维持 + 纠正 + 其他 + 尚未审结",
} as const;
export type IdentityCode = keyof typeof IDENTITY_CODES;

/** How a table is found in a document: words it prints. */
export interface TableCues {
  /** Where the table starts inside its chapter (its header row, or its first row). */
  header: RegExp;
  /** Where it starts when a document has no chapter headings to go by. */
  start: RegExp;
  /** Words the table prints; a text with `need` of them (and `also`, if given) is this table. */
  words: readonly RegExp[];
  need: number;
  also?: RegExp;
  /** Weaker: enough to recognise the rest of the table continued on the next page. */
  continuation: RegExp;
}

export interface TableDef {
  key: TableKey;
  /** The chapter the table belongs to. */
  chapter: ChapterKind;
  /** The table's number in the report (二, 三, 四). */
  number: string;
  title: string;
  /** The header of the label column(s), as printed. */
  labelHeader?: string;
  rows: readonly RowDef[];
  /** Columns shared by every row (tables 三 and 四); table 二's rows carry their own. */
  columns?: readonly ColumnDef[];
  identities: readonly IdentityDef[];
  cues: TableCues;
}

/** The report's chapters (一、总体情况 … 六、其他需要报告的事项). */
export type ChapterKind = "overview" | "active" | "applications" | "review" | "problems" | "other" | "appendix";

export interface ChapterDef {
  kind: ChapterKind;
  /** The heading as the template words it (none for the appendix). */
  title: string | null;
  /** What its heading says, whatever the exact wording or numbering. */
  cue: RegExp;
  /** The record's `sections` key that holds the chapter's text, if it is kept. */
  section?: "overview" | "problems" | "other";
}

export interface TemplateDef {
  version: TemplateVersion;
  /** The document that set it. */
  document: string;
  /** The report years it was made for. */
  years: string;
  tables: { readonly activeDisclosure: TableDef; readonly applications: TableDef; readonly reviewLitigation: TableDef };
  chapters: readonly ChapterDef[];
}
