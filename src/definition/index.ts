/**
 * The national template as data: one definition per version, and what is derived
 * from them (row and column keys, label cues, version markers, cell paths). The record
 * schema (model/record.ts), the parsers' label matching (templates/), the validator's
 * identities and the OCR repair's constraints (validate/) and the codebook all read
 * the template from here and nowhere else.
 */
import { CHAPTER_HEADING, CHAPTER_TITLE_VARIANTS, CHAPTERS, OTHER_HANDLING } from "./common.js";
import type { AmountUnit, ChapterKind, ColumnDef, RowDef, TableDef, TableKey, TemplateDef, TemplateVersion } from "./types.js";
import { TEMPLATE_2019 } from "./v2019.js";
import { TEMPLATE_2021 } from "./v2021.js";

export * from "./types.js";
export { TEMPLATE_2019, TEMPLATE_2021 };
export { CHAPTER_HEADING, CHAPTER_TITLE_VARIANTS, CHAPTERS };
/** The label of table 三's （六） group, whose rows differ between the versions. */
export { OTHER_HANDLING };

export const TEMPLATE_VERSIONS: readonly TemplateVersion[] = ["2019", "2021"];
export const TABLE_KEYS: readonly TableKey[] = ["activeDisclosure", "applications", "reviewLitigation"];
export const AMOUNT_UNITS = ["元", "万元", "亿元"] as const satisfies readonly AmountUnit[];

export type Templates = Readonly<Record<TemplateVersion, TemplateDef>>;

/** The built-in definitions. Functions that read the template take another set for tests. */
export const TEMPLATES: Templates = { "2019": TEMPLATE_2019, "2021": TEMPLATE_2021 };

/** A row's columns: its own (table 二) or its table's. */
export function columnsOf(table: TableDef, row: RowDef): readonly ColumnDef[] {
  return row.columns ?? table.columns ?? [];
}

export function rowKeys(table: TableDef): string[] {
  return table.rows.map((r) => r.key);
}

export function columnKeys(table: TableDef): string[] {
  return (table.columns ?? []).map((c) => c.key);
}

/**
 * Every row any version's table prints, once per key, in printed order: a row only a
 * later version has stands before the next row that both print (the three （六） rows
 * after the single one). The first version that has a key gives its definition: rows
 * are matched before the table's version is known.
 */
export function unionRows(key: TableKey, templates: Templates = TEMPLATES): RowDef[] {
  const out: RowDef[] = [];
  for (const version of TEMPLATE_VERSIONS) {
    const rows = templates[version].tables[key].rows;
    rows.forEach((row, i) => {
      if (out.some((r) => r.key === row.key)) return;
      const next = rows.slice(i + 1).find((r) => out.some((o) => o.key === r.key));
      const at = next ? out.findIndex((o) => o.key === next.key) : out.length;
      out.splice(at, 0, row);
    });
  }
  return out;
}

/**
 * Each row's label as flowing text prints it: the group labels the row opens (those the
 * row before it was not in), then its own label — "（三）不予公开 1.属于国家秘密",
 * then "2.其他法律行政法规禁止公开".
 */
export function flatLabels(table: TableDef): string[] {
  return table.rows.map((row, i) => {
    const before = table.rows[i - 1]?.groups ?? [];
    const groups = row.groups ?? [];
    const shared = groups.findIndex((g, depth) => before[depth] !== g);
    return [...(shared < 0 ? [] : groups.slice(shared)), row.label].join(" ");
  });
}

/** Row key → cue, for the label matchers. */
export function rowCues(rows: readonly RowDef[]): Record<string, RegExp> {
  return Object.fromEntries(rows.map((r) => [r.key, r.cue]));
}

/**
 * A row's own words, for labels garbled by OCR: its label without numbering
 * (一、 （一） 1.) and punctuation.
 */
export function rowName(row: RowDef): string {
  if (row.name) return row.name;
  return row.label
    .normalize("NFKC")
    .replace(/\s+/g, "")
    .replace(/^[一二三四五六七八九十]+、/, "")
    .replace(/^\([一二三四五六七八九十]+\)/, "")
    .replace(/^\d+[.、]/, "")
    .replace(/[、，,。“”"‘’'()（）:：]/g, "");
}

export function rowNames(rows: readonly RowDef[]): Record<string, string> {
  return Object.fromEntries(rows.map((r) => [r.key, rowName(r)]));
}

/**
 * What only one version of a table prints — the cues of its own columns and rows —
 * by which the table tells its version.
 */
export function versionMarkers(key: TableKey, templates: Templates = TEMPLATES): Record<TemplateVersion, RegExp[]> {
  const own = (v: TemplateVersion) => {
    const table = templates[v].tables[key];
    return {
      rows: new Map(table.rows.map((r) => [r.key, r])),
      columns: new Map(table.rows.flatMap((r) => columnsOf(table, r)).map((c) => [c.key, c])),
    };
  };
  const out = {} as Record<TemplateVersion, RegExp[]>;
  for (const v of TEMPLATE_VERSIONS) {
    const mine = own(v);
    const others = TEMPLATE_VERSIONS.filter((o) => o !== v).map(own);
    const markers: RegExp[] = [];
    for (const [k, c] of mine.columns) if (c.cue && others.every((o) => !o.columns.has(k))) markers.push(c.cue);
    for (const [k, r] of mine.rows) if (others.every((o) => !o.rows.has(k))) markers.push(r.cue);
    out[v] = markers;
  }
  return out;
}

/**
 * The version of a table object in a record, told by its keys: table 三 carries the
 * rows of the （六） group it prints. `null` when no version has exactly these rows.
 */
export function versionOfTable(key: TableKey, table: object, templates: Templates = TEMPLATES): TemplateVersion | null {
  const keys = Object.keys(table);
  return (
    TEMPLATE_VERSIONS.find((v) => {
      const def = templates[v].tables[key];
      return def.rows.length === keys.length && def.rows.every((r) => keys.includes(r.key));
    }) ?? null
  );
}

/** The chapter kinds, by the order reports print them. */
export const CHAPTER_KINDS: readonly ChapterKind[] = CHAPTERS.map((c) => c.kind);

export function chapterCues(): Record<ChapterKind, RegExp> {
  return Object.fromEntries(CHAPTERS.map((c) => [c.kind, c.cue])) as Record<ChapterKind, RegExp>;
}

/** Whether a text is the table, by the words it prints (a table 三's text is not also table 二). */
export function tableText(key: TableKey, text: string, templates: Templates = TEMPLATES): boolean {
  const printsWords = TEMPLATE_VERSIONS.some((v) => {
    const cues = templates[v].tables[key].cues;
    return cues.words.filter((w) => w.test(text)).length >= cues.need && (!cues.also || cues.also.test(text));
  });
  return printsWords && (key !== "activeDisclosure" || !tableText("applications", text, templates));
}
