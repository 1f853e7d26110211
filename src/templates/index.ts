/**
 * Template parsing: a layout document → the record's meta, tables and sections, with
 * the issues met on the way and where every value came from.
 */
import { columnsOf, OTHER_HANDLING, TEMPLATES, type TableKey, type TemplateVersion } from "../definition/index.js";
import type { Issue } from "../model/issue.js";
import type { LayoutDocument } from "../model/layout.js";
import { lineText } from "../model/layout.js";
import type { Provenance } from "../model/provenance.js";
import type { ActiveDisclosure2019, ActiveDisclosure2021, Applications, ReviewLitigation, Sections } from "../model/record.js";
import { extractSections, findHeadings, type Heading } from "./chapters.js";
import { readMeta } from "./meta.js";
import { findRegions } from "./regions.js";
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

const tableName = (id: TableKey) => {
  const def = TEMPLATES["2021"].tables[id];
  return `table ${def.number} (${def.title})`;
};

/** Tries each candidate region of a table until one parses; keeps that attempt's issues and provenance. */
function parseTable<T>(
  doc: LayoutDocument,
  headings: Heading[],
  id: TableKey,
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

  const active = parseTable<ActiveDisclosureResult>(doc, headings, "activeDisclosure", (rows, text, out) => parseActiveDisclosure(rows, text, out));
  const activeVersion = active?.result.version ?? null;
  const applications = parseTable<ApplicationsResult>(doc, headings, "applications", (rows, _text, out) => parseApplications(rows, out, activeVersion));
  const review = parseTable<ReviewLitigation>(doc, headings, "reviewLitigation", (rows, _text, out) => parseReviewLitigation(rows, out));

  if (!active && !applications && !review && meta.year === null) {
    issues.push({
      code: "UNSUPPORTED_TEMPLATE",
      severity: "warning",
      path: null,
      message: "no template table found and no report year: not read as a template report",
    });
    return report;
  }
  for (const [id, found] of [["activeDisclosure", active], ["applications", applications], ["reviewLitigation", review]] as const) {
    if (found) {
      issues.push(...found.out.issues);
      Object.assign(provenance, found.out.provenance);
    } else {
      issues.push({ code: "TABLE_MISSING", severity: "error", path: id, message: `${tableName(id)} was not found; its cells are null` });
    }
  }
  report.meta.template = active || applications || review ? decideTemplate(active?.result ?? null, applications?.result ?? null, issues) : null;
  // A table that was not read still has every cell, null: a reader of the record meets
  // the same keys in every report of a version, and the table's issue names each cell.
  // Table 二's keys are the version's own: with no version decided, it stays null (the
  // record schema's template-less variant), and its issue says why.
  const version = report.meta.template;
  report.activeDisclosure = active?.result.version ? active.result.table : version && (nullTable("activeDisclosure", version) as ActiveDisclosure2019 | ActiveDisclosure2021);
  const form = version ?? formOfYear(meta.year);
  report.applications = applications?.result.table ?? (form && (nullTable("applications", form) as Applications));
  report.reviewLitigation = review?.result ?? (nullTable("reviewLitigation", "2021") as ReviewLitigation);
  return report;
}

/**
 * The form (one or three （六） rows) an unread table 三 gets when no table decided the
 * version: the one the template prescribes for the year (2019 for 2019–2020, 2021
 * after). Only the keys depend on it — every value is null — and meta.template stays null.
 */
function formOfYear(year: number | null): TemplateVersion | null {
  if (year === null || year < 2019) return null;
  return year <= 2020 ? "2019" : "2021";
}

/** A table of the version with every cell null (amounts as { value: null, unit: null }). */
function nullTable(id: TableKey, version: TemplateVersion): Record<string, Record<string, unknown>> {
  const def = TEMPLATES[version].tables[id];
  return Object.fromEntries(def.rows.map((row) => [row.key, Object.fromEntries(columnsOf(def, row).map((c) => [c.key, c.type === "amount" ? { value: null, unit: null } : null]))]));
}

/**
 * The template version, decided by what the tables print, never by the year: table 二's
 * own version (its column headers and rows), else the form of table 三's （六） group.
 * Where nothing printed tells, the record says so and the version stays null.
 */
function decideTemplate(active: ActiveDisclosureResult | null, applications: ApplicationsResult | null, issues: Issue[]): TemplateVersion | null {
  const variant = applications?.variant ?? null;
  if (active && active.version === null) {
    issues.push({
      code: "TEMPLATE_UNDECIDED",
      severity: "error",
      path: "activeDisclosure",
      message: "table 二 prints neither column headers nor rows that only one template version has, and its fields differ between the versions: its values are not placed",
      actual: active.printed,
    });
  }
  if (active?.version) {
    if (variant && variant !== active.version) {
      issues.push({
        code: "MIXED_TEMPLATE",
        severity: "info",
        path: "applications",
        message: `table 二 follows the ${active.version} template, table 三 prints the ${variant} form of ${OTHER_HANDLING}`,
      });
    }
    return active.version;
  }
  if (variant === "2019") {
    // A 2021 report can still print the old single （六） row (MIXED_TEMPLATE): the form is evidence, not proof.
    issues.push({
      code: "TEMPLATE_UNDECIDED",
      severity: "warning",
      path: "meta.template",
      message: `table 二 does not tell its version; meta.template is the form of table 三's ${OTHER_HANDLING} group (2019), which some 2021 reports still print`,
    });
  }
  if (variant) return variant;
  issues.push({ code: "TEMPLATE_UNDECIDED", severity: "error", path: "meta.template", message: "no table prints what tells its template version; meta.template is left null" });
  return null;
}
