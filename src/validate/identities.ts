/**
 * The arithmetic identities the templates define (勾稽关系). A failed identity is
 * recorded, never "fixed": real reports contain their own arithmetic errors.
 * A blank (null) part counts as 0; a check is skipped when its result cell is blank.
 */
import type { Issue } from "../model/issue.js";
import type { Applications, ReviewLitigation } from "../model/record.js";
import { APPLICANT_COLUMN_KEYS, REVIEW_COLUMN_KEYS, REVIEW_GROUP_KEYS, outcomeRowKeys, type ApplicationRow, type TemplateVersion } from "../model/vocabulary.js";

type Cell = number | null | undefined;
const sum = (cells: Cell[]) => cells.reduce<number>((s, v) => s + (v ?? 0), 0);
const same = (a: number, b: number) => Math.abs(a - b) < 1e-6;

function rowsOf(applications: Applications): Record<string, Record<string, number | null>> {
  return applications as unknown as Record<string, Record<string, number | null>>;
}

/** Which form of （六） the table carries (the identities depend on it). */
export function applicationsVariant(applications: Applications): TemplateVersion {
  return "otherHandling" in applications ? "2019" : "2021";
}

export function checkApplications(applications: Applications): Issue[] {
  const issues: Issue[] = [];
  const rows = rowsOf(applications);
  const at = (row: ApplicationRow, col: string): Cell => rows[row]?.[col];
  const variant = applicationsVariant(applications);

  // Per row: 总计 = the six applicant columns.
  for (const [row, values] of Object.entries(rows)) {
    const total = values.total;
    if (total === null || total === undefined) continue;
    const parts = sum(APPLICANT_COLUMN_KEYS.filter((c) => c !== "total").map((c) => values[c]));
    if (!same(parts, total)) {
      issues.push({
        code: "IDENTITY_ROW_TOTAL",
        severity: "error",
        path: `applications.${row}.total`,
        message: `${row}: 总计 ${total} ≠ sum of the applicant columns ${parts}`,
        expected: parts,
        actual: total,
      });
    }
  }
  for (const col of APPLICANT_COLUMN_KEYS) {
    // Per column: 本年新收 + 上年结转 = （七）总计 + 结转下年度.
    const processed = at("totalProcessed", col);
    const received = at("newReceived", col);
    if (processed !== null && processed !== undefined && received !== null && received !== undefined) {
      const left = received + (at("carriedOver", col) ?? 0);
      const right = processed + (at("carriedForward", col) ?? 0);
      if (!same(left, right)) {
        issues.push({
          code: "IDENTITY_BALANCE",
          severity: "error",
          path: `applications.totalProcessed.${col}`,
          message: `${col}: 本年新收 + 上年结转 = ${left} but （七）总计 + 结转下年度 = ${right}`,
          expected: left - (at("carriedForward", col) ?? 0),
          actual: processed,
        });
      }
    }
    // Per column: （七）总计 = the sum of the outcome rows.
    if (processed !== null && processed !== undefined) {
      const outcomes = sum(outcomeRowKeys(variant).map((r) => at(r, col)));
      if (!same(outcomes, processed)) {
        issues.push({
          code: "IDENTITY_OUTCOMES",
          severity: "error",
          path: `applications.totalProcessed.${col}`,
          message: `${col}: （七）总计 ${processed} ≠ sum of the outcome rows ${outcomes}`,
          expected: outcomes,
          actual: processed,
        });
      }
    }
  }
  return issues;
}

export function checkReviewLitigation(table: ReviewLitigation): Issue[] {
  const issues: Issue[] = [];
  for (const group of REVIEW_GROUP_KEYS) {
    const values = table[group];
    if (values.total === null) continue;
    const parts = sum(REVIEW_COLUMN_KEYS.filter((c) => c !== "total").map((c) => values[c]));
    if (!same(parts, values.total)) {
      issues.push({
        code: "IDENTITY_REVIEW_TOTAL",
        severity: "error",
        path: `reviewLitigation.${group}.total`,
        message: `${group}: 总计 ${values.total} ≠ 维持 + 纠正 + 其他 + 尚未审结 = ${parts}`,
        expected: parts,
        actual: values.total,
      });
    }
  }
  return issues;
}

/**
 * When exactly one row total and one column total of table 三 fail by the same amount,
 * the cell where that row and column cross is the likeliest misprint (or misread):
 * name it, so a reviewer looks there first.
 */
export function suspectCell(issues: Issue[]): Issue | null {
  const rowFails = issues.filter((i) => i.code === "IDENTITY_ROW_TOTAL");
  const colFails = issues.filter((i) => i.code === "IDENTITY_OUTCOMES" || i.code === "IDENTITY_BALANCE");
  if (rowFails.length !== 1) return null;
  const row = rowFails[0]!;
  const rowKey = row.path!.split(".")[1]!;
  const rowDiff = Number(row.actual) - Number(row.expected);
  const cols = new Set(colFails.map((i) => i.path!.split(".")[2]!).filter((c) => c !== "total"));
  if (cols.size !== 1) return null;
  const col = [...cols][0]!;
  const colDiffs = colFails.filter((i) => i.path!.endsWith(`.${col}`)).map((i) => Number(i.expected) - Number(i.actual));
  if (!colDiffs.every((d) => same(Math.abs(d), Math.abs(rowDiff)))) return null;
  return {
    code: "IDENTITY_SUSPECT_CELL",
    severity: "warning",
    path: `applications.${rowKey}.${col}`,
    message: `the failed row and column identities cross here: this cell is off by ${Math.abs(rowDiff)} if the totals are right`,
  };
}
