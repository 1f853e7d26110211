/** Gathers what a parser finds besides values: issues, and where each value came from. */
import type { Issue, IssueCode } from "../../model/issue.js";
import { OCR_CONFIDENT, type Provenance } from "../../model/provenance.js";
import type { TableRow, ValueCell } from "./rows.js";

// OCR_CONFIDENT: below it a reading is flagged. Measured over 1,191 OCR'd number cells of
// the renderings: the one wrong reading was at 39, and 2 % of the right ones below 50.

export class Collector {
  readonly issues: Issue[] = [];
  readonly provenance: Provenance = {};

  issue(code: IssueCode, severity: Issue["severity"], path: string | null, message: string, extra: Pick<Issue, "expected" | "actual"> = {}): void {
    this.issues.push({ code, severity, path, message, ...extra });
  }

  /** Records where a value came from, and notes beside it. */
  cell(path: string, cell: ValueCell | null): void {
    if (!cell) return;
    this.provenance[path] = { origin: cell.origin, raw: cell.text, ...(cell.confidence === undefined ? {} : { confidence: cell.confidence }) };
    // An unsure OCR reading is named on its cell in every table: table 二 has no identities,
    // and a cell of table 三 or 四 whose total went unread is checked by none either.
    if (cell.confidence !== undefined && cell.confidence < OCR_CONFIDENT && cell.reading.kind === "number") {
      this.issue("OCR_UNCERTAIN", "warning", path, `OCR read "${cell.text}" with confidence ${Math.round(cell.confidence)}`, { actual: cell.text });
    }
    if (cell.reading.kind === "text") {
      this.issue("CELL_UNPARSED", "warning", path, `cell "${cell.text}" is not a number${cell.confidence === undefined ? "" : ` (OCR, confidence ${Math.round(cell.confidence)})`}; the value is null`);
    }
    if (cell.reading.kind === "number" && cell.reading.note) {
      this.issue("CELL_NOTE", "info", path, `cell "${cell.text}" carries a note; its leading number is the value`, { actual: cell.reading.value });
    }
  }
}

/**
 * Numbers a row's label carries that no template label has: a template label holds
 * digits only as an enumerator ("1.属于国家秘密"), so any other digit run is a value
 * printed in the label's place (a label and its number run together).
 */
export function strayNumbers(label: string): string[] {
  // An enumerator is one or two digits before its point; "806." is an amount whose decimals went elsewhere.
  return [...label.normalize("NFKC").matchAll(/\d{3,}(?:\.\d+)?(?![\d、])|\d+(?:\.\d+)?(?![\d.、])/g)].map((m) => m[0]);
}

/**
 * A row whose label carries a number while some of its cells stay null: the number may
 * be one of those cells, unread. Named on the row, so no such null is silent. So is a
 * row whose cells are blank only because nothing was printed beside its label.
 */
export function flagUnreadCells(out: Collector, path: string, row: TableRow, cells: readonly (ValueCell | null)[]): void {
  if (row.alone) {
    out.issue("ROW_ALONE", "warning", path, `row "${row.label}" printed its label with no value beside it (a table without rulings): its cells are read as blank`);
  }
  const stray = strayNumbers(row.label);
  if (stray.length === 0) return;
  if (cells.every((c) => c !== null && c.reading.kind !== "blank")) {
    // Every cell holds a value and the label one more: the row printed more numbers than it has columns, and which is surplus is not known.
    out.issue("CELL_UNPARSED", "warning", path, `row "${row.label}": its label carries ${stray.join(", ")} although every cell holds a value; the row printed more numbers than it has columns, and its values may be misplaced`, {
      actual: stray.join(" "),
    });
    return;
  }
  out.issue("CELL_UNPARSED", "warning", path, `row "${row.label}": its label carries ${stray.join(", ")}, which no column took; the row's null cells may hold ${stray.length > 1 ? "them" : "it"}`, {
    actual: stray.join(" "),
  });
}

/**
 * `flagUnreadCells` for a row whose values went into a block of cells (table 四 printed as
 * one run of 15): a number its label carries may be any null cell of the block, so each
 * null cell is named.
 */
export function flagUnreadInBlock(out: Collector, paths: readonly string[], row: TableRow, cells: readonly (ValueCell | null)[]): void {
  const stray = strayNumbers(row.label);
  if (stray.length === 0) return;
  cells.forEach((cell, i) => {
    if (cell !== null && cell.reading.kind !== "blank") return;
    out.issue("CELL_UNPARSED", "warning", paths[i]!, `row "${row.label}": its label carries ${stray.join(", ")}, which no column took; this null cell may hold ${stray.length > 1 ? "one of them" : "it"}`, {
      actual: stray.join(" "),
    });
  });
}

/** The number a placed cell holds, or null for a blank. */
export function numberOf(cell: ValueCell | null): number | null {
  return cell?.reading.kind === "number" ? cell.reading.value : null;
}
