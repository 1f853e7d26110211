/**
 * The library surface of nianbao. Internals (sources/_internal, layout details, the
 * CLI) are not exported.
 */
export { extractFile, extractReport, type ReportInput } from "./pipeline.js";
export { DEFAULTS, type ExtractOptions } from "./options.js";
export { ERROR_CODES, PipelineError, isPipelineError, type ErrorCode } from "./errors.js";
export {
  ReportRecord,
  ReportRecord2019,
  ReportRecord2021,
  ReportRecordUnsupported,
  ActiveDisclosure2019,
  ActiveDisclosure2021,
  Applications,
  Applications2019,
  Applications2021,
  ReviewLitigation,
  recordJsonSchema,
} from "./model/record.js";
export { Issue, ISSUE_CODES, type IssueCode } from "./model/issue.js";
export { Provenance, Origin } from "./model/provenance.js";
export {
  TEMPLATES,
  TEMPLATE_VERSIONS,
  TABLE_KEYS,
  AMOUNT_UNITS,
  type TemplateDef,
  type TableDef,
  type RowDef,
  type ColumnDef,
  type IdentityDef,
  type TemplateVersion,
  type TableKey,
  type AmountUnit,
  type Templates,
} from "./definition/index.js";
export { codebook, type CodebookEntry } from "./definition/codebook.js";
export { validateRecord } from "./validate/index.js";
export { repairOcrReadings, type Repair } from "./validate/repair.js";
export { scorePair, summarize, type ScoreSummary } from "./eval/score.js";
export { EXTRACTOR } from "./version.js";
/** Stops the OCR engines' threads (they start on the first scanned page and are shared). */
export { closeSharedOcrPool as closeOcr } from "./sources/_internal/tesseract.js";
