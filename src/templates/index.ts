/**
 * Template parsing: a layout document → the record's meta, tables and sections, with
 * the issues met on the way and where every value came from.
 */
import type { Issue } from "../model/issue.js";
import type { LayoutDocument } from "../model/layout.js";
import { lineText } from "../model/layout.js";
import type { Provenance } from "../model/provenance.js";
import type { ActiveDisclosure2019, ActiveDisclosure2021, Applications, ReviewLitigation, Sections } from "../model/record.js";
import type { TemplateVersion } from "../model/vocabulary.js";
import { extractSections, findHeadings, type Heading } from "./chapters.js";
import { readMeta } from "./meta.js";
import { findRegions, type TableId } from "./regions.js";
import { parseActiveDisclosure, type ActiveDisclosureResult } from "./table2.js";
import { parseApplications, type ApplicationsResult } from "./table3.js";
import { parseReviewLitigation } from "./table4.js";
import { Collector } from "./_shared/collector.js";
import { tableRows, type TableRow } from "./_shared/rows.js";

export interface ParsedReport {
  meta: { title: string | null; organ: string | null; year: number | null; template: TemplateVersion | null };
  activeDisclosure: ActiveDisclosure2019 | ActiveDisclosure2021 | null;
  applications: Applications | null;
  reviewLitigation: ReviewLitigation | null;
  sections: Sections;
  issues: Issue[];
  provenance: Provenance;
}

const TABLE_NAMES: Record<TableId, string> = {
  active: "table 二 (主动公开政府信息情况)",
  applications: "table 三 (收到和处理政府信息公开申请情况)",
  review: "table 四 (政府信息公开行政复议、行政诉讼情况)",
};
const TABLE_PATHS: Record<TableId, string> = { active: "activeDisclosure", applications: "applications", review: "reviewLitigation" };

/** Tries each candidate region of a table until one parses; keeps that attempt's issues and provenance. */
function parseTable<T>(
  doc: LayoutDocument,
  headings: Heading[],
  id: TableId,
  parse: (rows: TableRow[], regionText: string, out: Collector) => T | null,
): { result: T; out: Collector } | null {
  for (const region of findRegions(doc.lines, headings, id)) {
    const lines = region.map((i) => doc.lines[i]!);
    const out = new Collector();
    const result = parse(tableRows(lines, region, doc.kind === "positioned"), lines.map((l) => lineText(l, "")).join("\n"), out);
    if (result !== null) return { result, out };
  }
  return null;
}

export function parseReport(doc: LayoutDocument): ParsedReport {
  const headings = findHeadings(doc.lines);
  const meta = readMeta(doc.lines, doc.hints.title);
  const issues: Issue[] = [];
  const provenance: Provenance = {};
  const report: ParsedReport = {
    meta: { title: meta.title, organ: meta.organ, year: meta.year, template: null },
    activeDisclosure: null,
    applications: null,
    reviewLitigation: null,
    sections: extractSections(doc.lines, headings),
    issues,
    provenance,
  };
  if (meta.title === null) issues.push({ code: "META_MISSING", severity: "warning", path: "meta.title", message: "no report title found" });
  if (meta.organ === null) issues.push({ code: "META_MISSING", severity: "warning", path: "meta.organ", message: "the publishing body could not be read" });
  if (meta.year === null) issues.push({ code: "META_MISSING", severity: "warning", path: "meta.year", message: "the statistics year could not be read" });
  if (meta.yearConflict) {
    issues.push({
      code: "YEAR_MISMATCH",
      severity: "warning",
      path: "meta.year",
      message: `the statistics period names ${meta.yearConflict.period}, the title ${meta.yearConflict.title}; the period is used`,
      expected: meta.yearConflict.period,
      actual: meta.yearConflict.title,
    });
  }

  // The national template exists from the 2019 report year on: earlier reports have
  // free-form tables, and reading them as template tables would invent numbers.
  if (meta.year !== null && meta.year < 2019) {
    issues.push({
      code: "UNSUPPORTED_TEMPLATE",
      severity: "warning",
      path: null,
      message: `a ${meta.year} report predates the 2019 template; its tables are not read`,
    });
    return report;
  }

  const active = parseTable<ActiveDisclosureResult>(doc, headings, "active", (rows, text, out) => parseActiveDisclosure(rows, text, meta.year, out));
  const applications = parseTable<ApplicationsResult>(doc, headings, "applications", (rows, _text, out) => parseApplications(rows, out));
  const review = parseTable<ReviewLitigation>(doc, headings, "review", (rows, _text, out) => parseReviewLitigation(rows, out));

  if (!active && !applications && !review) {
    issues.push({
      code: meta.year === null ? "UNSUPPORTED_TEMPLATE" : "TABLE_MISSING",
      severity: meta.year === null ? "warning" : "error",
      path: null,
      message: meta.year === null ? "no template table found and no report year: not read as a template report" : "none of the template tables (二, 三, 四) was found",
    });
    return report;
  }
  for (const [id, found] of [["active", active], ["applications", applications], ["review", review]] as const) {
    if (found) {
      issues.push(...found.out.issues);
      Object.assign(provenance, found.out.provenance);
    } else {
      issues.push({ code: "TABLE_MISSING", severity: "error", path: TABLE_PATHS[id], message: `${TABLE_NAMES[id]} was not found` });
    }
  }
  const template = active?.result.version ?? applications?.result.variant ?? (meta.year !== null && meta.year >= 2021 ? "2021" : "2019");
  if (active && applications && active.result.version !== applications.result.variant) {
    issues.push({
      code: "MIXED_TEMPLATE",
      severity: "info",
      path: "applications",
      message: `table 二 follows the ${active.result.version} template, table 三 prints the ${applications.result.variant} form of （六）其他处理`,
    });
  }
  report.meta.template = template;
  report.activeDisclosure = active?.result.table ?? null;
  report.applications = applications?.result.table ?? null;
  report.reviewLitigation = review?.result ?? null;
  return report;
}
