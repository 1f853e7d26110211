/** The 2019 template (国办公开办函〔2019〕60号): report years 2019 and 2020, and some bodies later. */
import { ACTIVE_ROW_CUES as CUE, activeTable, applicationsTable, CHAPTERS, OTHER_HANDLING, RESULTS, REVIEW_TABLE } from "./common.js";
import type { ColumnDef, RowDef, TemplateDef } from "./types.js";

const PUBLISHED = [
  { key: "newlyMade", label: "本年新制作数量", cue: /新制作数量/, type: "count" },
  { key: "newlyPublished", label: "本年新公开数量", cue: /新公开数量/, type: "count" },
  { key: "totalPublished", label: "对外公开总数量", cue: /对外公开总数/, type: "count" },
] as const satisfies readonly ColumnDef[];
const PREVIOUS_YEAR = { key: "previousYear", label: "上一年项目数量", cue: /上一年项目数/, type: "count" } as const satisfies ColumnDef;
const CHANGE = { key: "change", label: "本年增/减", cue: /增\/?减/, type: "signedCount" } as const satisfies ColumnDef;
const ITEMS = [PREVIOUS_YEAR, CHANGE, { key: "decisions", label: "处理决定数量", cue: /处理决定数量/, type: "count" }] as const satisfies readonly ColumnDef[];

const ACTIVE_ROWS = [
  { key: "regulations", label: "规章", groups: ["第二十条第（一）项"], cue: CUE.regulations, columns: PUBLISHED },
  { key: "normativeDocuments", label: "规范性文件", groups: ["第二十条第（一）项"], cue: CUE.normativeDocuments, columns: PUBLISHED },
  { key: "licensing", label: "行政许可", groups: ["第二十条第（五）项"], cue: CUE.licensing, columns: ITEMS },
  { key: "otherServices", label: "其他对外管理服务事项", groups: ["第二十条第（五）项"], cue: CUE.otherServices, columns: ITEMS },
  { key: "penalty", label: "行政处罚", groups: ["第二十条第（六）项"], cue: CUE.penalty, columns: ITEMS },
  { key: "coercion", label: "行政强制", groups: ["第二十条第（六）项"], cue: CUE.coercion, columns: ITEMS },
  { key: "fees", label: "行政事业性收费", groups: ["第二十条第（八）项"], cue: CUE.fees, columns: [PREVIOUS_YEAR, CHANGE] },
  {
    key: "procurement",
    label: "政府集中采购",
    groups: ["第二十条第（九）项"],
    cue: CUE.procurement,
    columns: [
      { key: "projects", label: "采购项目数量", cue: /采购项目数/, type: "count" },
      { key: "amount", label: "采购总金额", cue: /采购总金额/, type: "amount" },
    ],
  },
] as const satisfies readonly RowDef[];

/** The single （六）其他处理 row. */
const OTHER_ROWS = [{ key: "otherHandling", label: OTHER_HANDLING, groups: [RESULTS], cue: /其他处理|\(六\)其他$/ }] as const satisfies readonly RowDef[];
export const TEMPLATE_2019 = {
  version: "2019",
  document: "国办公开办函〔2019〕60号",
  years: "2019–2020",
  tables: { activeDisclosure: activeTable(ACTIVE_ROWS), applications: applicationsTable(OTHER_ROWS), reviewLitigation: REVIEW_TABLE },
  chapters: CHAPTERS,
} as const satisfies TemplateDef;
