/**
 * The codebook: the data dictionary of the record's table cells, derived from the
 * template definitions — every cell path with its Chinese row and column labels, the
 * template versions that print it, its type and unit — and the identities that hold
 * between the cells. `nianbao codebook` prints it; every dataset export ships with it.
 */
import { columnsOf, TABLE_KEYS, TEMPLATE_VERSIONS, TEMPLATES, unionRows, AMOUNT_UNITS, type Templates } from "./index.js";
import type { ColumnDef, RowDef, TableKey, TemplateVersion, ValueType } from "./types.js";

export interface CodebookEntry {
  /** The cell's path in the record, as in provenance and issues: `applications.granted.naturalPerson`. */
  path: string;
  table: TableKey;
  /** 二, 三, 四 */
  tableNumber: string;
  row: string;
  column: string;
  /** The row's printed label with its group labels (as the newest version that prints it words it). */
  rowLabel: string;
  /** The column's printed header with the headers above it. */
  columnLabel: string;
  templates: TemplateVersion[];
  type: "integer" | "decimal" | "string";
  /** Non-negative for counts and amounts; 本年增/减 is signed. */
  signed: boolean;
  /** The unit of the value, where the template fixes one; `amount.value` is in `amount.unit`. */
  unit: string | null;
  /** Other wordings older versions print for this cell, and how a value is read. */
  note: string;
}

const labelOf = (item: { label: string; groups?: readonly string[] }) => [...(item.groups ?? []), item.label].join(" · ");

/** One entry per stored value: an amount is stored as its value and its unit. */
function valuesOf(column: ColumnDef): { suffix: string; type: CodebookEntry["type"]; signed: boolean; unit: string | null; note: string }[] {
  const kinds: Record<ValueType, () => ReturnType<typeof valuesOf>> = {
    count: () => [{ suffix: "", type: "integer", signed: false, unit: null, note: "" }],
    signedCount: () => [{ suffix: "", type: "integer", signed: true, unit: null, note: "printed 增 N → N, 减 N → −N" }],
    decimal: () => [{ suffix: "", type: "decimal", signed: false, unit: column.unit ?? null, note: column.unit ? `printed in another unit, converted to ${column.unit}` : "" }],
    amount: () => [
      { suffix: ".value", type: "decimal", signed: false, unit: null, note: "in the unit of .unit, as printed" },
      { suffix: ".unit", type: "string", signed: false, unit: null, note: `${AMOUNT_UNITS.join(" | ")}, from the cell or the column header; null if none is printed` },
    ],
  };
  return kinds[column.type]();
}

/** Every cell of the three tables, in printed order; a cell both versions print is one entry. */
export function codebook(templates: Templates = TEMPLATES): CodebookEntry[] {
  const out: CodebookEntry[] = [];
  for (const key of TABLE_KEYS) {
    for (const unionRow of unionRows(key, templates)) {
      // This row in each version that prints it, newest first (its wording is the current one).
      const printings = [...TEMPLATE_VERSIONS]
        .reverse()
        .flatMap((v) => {
          const table = templates[v].tables[key];
          const row = table.rows.find((r) => r.key === unionRow.key);
          return row ? [{ v, table, row, columns: columnsOf(table, row) }] : [];
        });
      const columnOrder: string[] = [];
      for (const p of [...printings].reverse()) for (const c of p.columns) if (!columnOrder.includes(c.key)) columnOrder.push(c.key);
      for (const columnKey of columnOrder) {
        const having = printings.filter((p) => p.columns.some((c) => c.key === columnKey));
        const newest = having[0]!;
        const column = newest.columns.find((c) => c.key === columnKey)!;
        const wordings = (pick: (p: (typeof having)[number]) => string) => {
          const current = pick(newest);
          return having.filter((p) => pick(p) !== current).map((p) => `${p.v}: ${pick(p)}`);
        };
        const rowOf = (p: (typeof having)[number]): RowDef => p.row;
        const older = [...wordings((p) => labelOf(rowOf(p))), ...wordings((p) => labelOf(p.columns.find((c) => c.key === columnKey)!))];
        for (const value of valuesOf(column)) {
          out.push({
            path: `${key}.${unionRow.key}.${columnKey}${value.suffix}`,
            table: key,
            tableNumber: newest.table.number,
            row: unionRow.key,
            column: `${columnKey}${value.suffix}`,
            rowLabel: labelOf(newest.row),
            columnLabel: labelOf(column),
            templates: having.map((p) => p.v).reverse(),
            type: value.type,
            signed: value.signed,
            unit: value.unit,
            note: [...older.map((o) => `also printed as ${o}`), value.note].filter(Boolean).join("; "),
          });
        }
      }
    }
  }
  return out;
}

/** The identities of every template version, once each (both versions share most). */
export function identityRows(templates: Templates = TEMPLATES): { table: string; code: string; each: string; text: string; templates: TemplateVersion[] }[] {
  const rows = new Map<string, { table: string; code: string; each: string; text: string; templates: TemplateVersion[] }>();
  for (const v of TEMPLATE_VERSIONS) {
    for (const key of TABLE_KEYS) {
      const table = templates[v].tables[key];
      for (const k of table.identities) {
        const id = `${table.number}|${k.code}|${k.each}|${k.text}`;
        const row = rows.get(id) ?? { table: table.number, code: k.code, each: k.each === "row" ? "every row" : "every column", text: k.text, templates: [] };
        row.templates.push(v);
        rows.set(id, row);
      }
    }
  }
  return [...rows.values()];
}

/** The README's table of identities. */
export function identitiesMarkdown(templates: Templates = TEMPLATES): string {
  const lines = ["| table | holds in | identity | templates | issue code |", "| --- | --- | --- | --- | --- |"];
  for (const r of identityRows(templates)) lines.push(`| ${r.table} | ${r.each} | ${r.text} | ${r.templates.join(", ")} | \`${r.code}\` |`);
  return lines.join("\n");
}

const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function codebookCsv(templates: Templates = TEMPLATES): string {
  const header = ["path", "table", "row", "column", "row_label", "column_label", "templates", "type", "signed", "unit", "note"];
  const rows = codebook(templates).map((e) =>
    [e.path, e.tableNumber, e.row, e.column, e.rowLabel, e.columnLabel, e.templates.join(" "), e.type, String(e.signed), e.unit ?? "", e.note].map(csvField).join(","),
  );
  // A BOM, so that spreadsheet programs open the Chinese labels as UTF-8.
  return `\uFEFF${[header.join(","), ...rows].join("\r\n")}\r\n`;
}

export function codebookJson(templates: Templates = TEMPLATES): string {
  const body = {
    templates: TEMPLATE_VERSIONS.map((v) => ({ version: v, document: templates[v].document, years: templates[v].years })),
    cells: codebook(templates),
    identities: identityRows(templates),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

export function codebookMarkdown(templates: Templates = TEMPLATES): string {
  const out = ["# Codebook: the cells of the report record", ""];
  out.push(...TEMPLATE_VERSIONS.map((v) => `- template ${v}: ${templates[v].document}, report years ${templates[v].years}`), "");
  const entries = codebook(templates);
  for (const key of TABLE_KEYS) {
    const table = templates["2021"].tables[key];
    out.push(`## Table ${table.number} · ${table.title} (\`${key}\`)`, "");
    out.push("| path | row | column | templates | type | unit | note |", "| --- | --- | --- | --- | --- | --- | --- |");
    for (const e of entries.filter((x) => x.table === key)) {
      const type = `${e.type}${e.type !== "string" && !e.signed ? " ≥ 0" : ""}`;
      out.push(`| \`${e.path}\` | ${e.rowLabel} | ${e.columnLabel} | ${e.templates.join(", ")} | ${type} | ${e.unit ?? ""} | ${e.note.replace(/\|/g, "\\|")} |`);
    }
    out.push("");
  }
  out.push("## Identities (勾稽关系)", "", "A blank part counts as 0; an identity is not checked where its result cell is blank.", "", identitiesMarkdown(templates), "");
  return out.join("\n");
}
