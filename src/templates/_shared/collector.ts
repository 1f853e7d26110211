/** Gathers what a parser finds besides values: issues, and where each value came from. */
import type { Issue, IssueCode } from "../../model/issue.js";
import type { Provenance } from "../../model/provenance.js";
import type { ValueCell } from "./rows.js";

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
    if (cell.reading.kind === "text") {
      this.issue("CELL_UNPARSED", "warning", path, `cell "${cell.text}" is not a number${cell.confidence === undefined ? "" : ` (OCR, confidence ${Math.round(cell.confidence)})`}; the value is null`);
    }
    if (cell.reading.kind === "number" && cell.reading.note) {
      this.issue("CELL_NOTE", "info", path, `cell "${cell.text}" carries a note; its leading number is the value`, { actual: cell.reading.value });
    }
  }
}

/** The number a placed cell holds, or null for a blank. */
export function numberOf(cell: ValueCell | null): number | null {
  return cell?.reading.kind === "number" ? cell.reading.value : null;
}
