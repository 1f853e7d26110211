/** The 2021 template (国办公开办函〔2021〕30号): report years 2021 on. */
import { ACTIVE_ROW_CUES as CUE, activeTable, applicationsTable, CHAPTERS, OTHER_HANDLING, RESULTS, REVIEW_TABLE } from "./common.js";
import type { ColumnDef, RowDef, TemplateDef } from "./types.js";

const ISSUED = [
  { key: "issued", label: "本年制发件数", cue: /制发件数/, type: "count" },
  { key: "repealed", label: "本年废止件数", cue: /废止件数/, type: "count" },
  { key: "inForce", label: "现行有效件数", cue: /现行有效件数/, type: "count" },
] as const satisfies readonly ColumnDef[];
const DECISIONS = [{ key: "decisions", label: "本年处理决定数量", cue: /处理决定数量/, type: "count" }] as const satisfies readonly ColumnDef[];

const ACTIVE_ROWS = [
  { key: "regulations", label: "规章", groups: ["第二十条第（一）项"], cue: CUE.regulations, columns: ISSUED },
  { key: "normativeDocuments", label: "行政规范性文件", groups: ["第二十条第（一）项"], cue: CUE.normativeDocuments, columns: ISSUED },
  { key: "licensing", label: "行政许可", groups: ["第二十条第（五）项"], cue: CUE.licensing, columns: DECISIONS },
  { key: "penalty", label: "行政处罚", groups: ["第二十条第（六）项"], cue: CUE.penalty, columns: DECISIONS },
  { key: "coercion", label: "行政强制", groups: ["第二十条第（六）项"], cue: CUE.coercion, columns: DECISIONS },
  {
    key: "fees",
    label: "行政事业性收费",
    groups: ["第二十条第（八）项"],
    cue: CUE.fees,
    columns: [{ key: "amountWanYuan", label: "本年收费金额（单位：万元）", cue: /收费金额/, type: "decimal", unit: "万元" }],
  },
] as const satisfies readonly RowDef[];

const OTHER = [RESULTS, OTHER_HANDLING] as const;
/** The three （六） rows. */
const OTHER_ROWS = [
  { key: "otherOverdueCorrection", label: "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", groups: OTHER, cue: /不补正|逾期不补/ },
  { key: "otherOverdueFee", label: "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", groups: OTHER, cue: /收费通知|缴纳费用|逾期未按/ },
  { key: "otherOther", label: "3.其他", groups: OTHER, cue: /3[.．、]?其他$|^其他$/ },
] as const satisfies readonly RowDef[];
export const TEMPLATE_2021 = {
  version: "2021",
  document: "国办公开办函〔2021〕30号",
  years: "2021–",
  tables: { activeDisclosure: activeTable(ACTIVE_ROWS), applications: applicationsTable(OTHER_ROWS), reviewLitigation: REVIEW_TABLE },
  chapters: CHAPTERS,
} as const satisfies TemplateDef;
