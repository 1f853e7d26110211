/** Validation: the record schema plus the templates' identities, as issues on the record. */
import type { z } from "zod";
import { TEMPLATES, type Templates } from "../definition/index.js";
import type { Issue } from "../model/issue.js";
import { ReportRecord2019, ReportRecord2021, ReportRecordUnsupported, type ReportRecord } from "../model/record.js";
import { checkIdentities, suspectCell } from "./identities.js";

export { checkIdentities } from "./identities.js";

type ZodIssue = z.core.$ZodIssue;

/** Flattens zod issues; for a failed union, the branch that came closest speaks for it. */
function leaves(issues: readonly ZodIssue[], prefix: PropertyKey[] = []): { path: string; message: string }[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
      return leaves(closest, path);
    }
    return [{ path: path.map(String).join("."), message: issue.message }];
  });
}

/**
 * zod compiles a fast parser for each object schema (with `new Function`) the first time
 * it parses one: for the record, ~30 ms of a fresh process's 0.4 s, which a one-report
 * `nianbao extract` never earns back. Its interpreted path costs ~6 ms a record more, so
 * a process validates its first records that way and compiles only once it has a few
 * more to do (bulk extraction, queue workers).
 */
const INTERPRETED_RECORDS = 4;
let validated = 0;

/**
 * Issues for a record (its own `issues` are not included). Never throws on bad values.
 * `templates`: the definitions whose identities are checked (the built-in ones by default).
 */
export function validateRecord(record: ReportRecord, templates: Templates = TEMPLATES): Issue[] {
  const schema = record.meta.template === "2019" ? ReportRecord2019 : record.meta.template === "2021" ? ReportRecord2021 : ReportRecordUnsupported;
  const issues: Issue[] = [];
  const parsed = schema.safeParse(record, { jitless: validated++ < INTERPRETED_RECORDS });
  if (!parsed.success) {
    for (const leaf of leaves(parsed.error.issues)) {
      issues.push({ code: "SCHEMA_VIOLATION", severity: "error", path: leaf.path || null, message: leaf.message });
    }
  }
  issues.push(...checkIdentities(record, templates));
  const suspect = suspectCell(record, templates);
  if (suspect) issues.push(suspect);
  return issues;
}
