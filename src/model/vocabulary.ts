/**
 * The fixed vocabulary of the national template (国办公开办函〔2019〕60号 and
 * 〔2021〕30号): every row and column key of the record with its printed label.
 * The zod schema, the parsers and the exports all read their keys from here,
 * so a key is spelled in exactly one place (see shared/spec/report-schema.md).
 */

export const TEMPLATE_VERSIONS = ["2019", "2021"] as const;
export type TemplateVersion = (typeof TEMPLATE_VERSIONS)[number];

/** Table 二 (主动公开政府信息情况): row key → fields, per template. */
export const ACTIVE_DISCLOSURE = {
  "2019": {
    regulations: { label: "规章", fields: { newlyMade: "本年新制作数量", newlyPublished: "本年新公开数量", totalPublished: "对外公开总数量" } },
    normativeDocuments: { label: "规范性文件", fields: { newlyMade: "本年新制作数量", newlyPublished: "本年新公开数量", totalPublished: "对外公开总数量" } },
    licensing: { label: "行政许可", fields: { previousYear: "上一年项目数量", change: "本年增/减", decisions: "处理决定数量" } },
    otherServices: { label: "其他对外管理服务事项", fields: { previousYear: "上一年项目数量", change: "本年增/减", decisions: "处理决定数量" } },
    penalty: { label: "行政处罚", fields: { previousYear: "上一年项目数量", change: "本年增/减", decisions: "处理决定数量" } },
    coercion: { label: "行政强制", fields: { previousYear: "上一年项目数量", change: "本年增/减", decisions: "处理决定数量" } },
    fees: { label: "行政事业性收费", fields: { previousYear: "上一年项目数量", change: "本年增/减" } },
    procurement: { label: "政府集中采购", fields: { projects: "采购项目数量", amount: "采购总金额" } },
  },
  "2021": {
    regulations: { label: "规章", fields: { issued: "本年制发件数", repealed: "本年废止件数", inForce: "现行有效件数" } },
    normativeDocuments: { label: "行政规范性文件", fields: { issued: "本年制发件数", repealed: "本年废止件数", inForce: "现行有效件数" } },
    licensing: { label: "行政许可", fields: { decisions: "本年处理决定数量" } },
    penalty: { label: "行政处罚", fields: { decisions: "本年处理决定数量" } },
    coercion: { label: "行政强制", fields: { decisions: "本年处理决定数量" } },
    fees: { label: "行政事业性收费", fields: { amountWanYuan: "本年收费金额（单位：万元）" } },
  },
} as const;

/** Table 三 columns (申请人情况), in printed order. */
export const APPLICANT_COLUMNS = {
  naturalPerson: "自然人",
  commercialEnterprise: "法人或其他组织 · 商业企业",
  researchInstitution: "法人或其他组织 · 科研机构",
  socialWelfareOrganization: "法人或其他组织 · 社会公益组织",
  legalServiceInstitution: "法人或其他组织 · 法律服务机构",
  otherOrganization: "法人或其他组织 · 其他",
  total: "总计",
} as const;
export type ApplicantColumn = keyof typeof APPLICANT_COLUMNS;
export const APPLICANT_COLUMN_KEYS = Object.keys(APPLICANT_COLUMNS) as ApplicantColumn[];

/** Table 三 rows shared by both templates, before the （六） group. */
const ROWS_BEFORE_OTHER = {
  newReceived: "一、本年新收政府信息公开申请数量",
  carriedOver: "二、上年结转政府信息公开申请数量",
  granted: "三、（一）予以公开",
  partiallyGranted: "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
  deniedStateSecret: "（三）不予公开 1.属于国家秘密",
  deniedProhibitedByLaw: "2.其他法律行政法规禁止公开",
  deniedEndangersSafety: "3.危及“三安全一稳定”",
  deniedThirdPartyRights: "4.保护第三方合法权益",
  deniedInternalAffairs: "5.属于三类内部事务信息",
  deniedProcessInformation: "6.属于四类过程性信息",
  deniedEnforcementFile: "7.属于行政执法案卷",
  deniedAdministrativeQuery: "8.属于行政查询事项",
  unableNotHeld: "（四）无法提供 1.本机关不掌握相关政府信息",
  unableNeedsCreation: "2.没有现成信息需要另行制作",
  unableUnclear: "3.补正后申请内容仍不明确",
  notProcessedComplaint: "（五）不予处理 1.信访举报投诉类申请",
  notProcessedDuplicate: "2.重复申请",
  notProcessedPublication: "3.要求提供公开出版物",
  notProcessedExcessive: "4.无正当理由大量反复申请",
  notProcessedConfirmation: "5.要求行政机关确认或重新出具已获取信息",
} as const;

const OTHER_2019 = { otherHandling: "（六）其他处理" } as const;
const OTHER_2021 = {
  otherOverdueCorrection: "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
  otherOverdueFee: "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
  otherOther: "3.其他",
} as const;
const ROWS_AFTER_OTHER = {
  totalProcessed: "（七）总计",
  carriedForward: "四、结转下年度继续办理",
} as const;

/** Table 三 rows, in printed order, for each form of the （六）其他处理 group. */
export const APPLICATION_ROWS = {
  "2019": { ...ROWS_BEFORE_OTHER, ...OTHER_2019, ...ROWS_AFTER_OTHER },
  "2021": { ...ROWS_BEFORE_OTHER, ...OTHER_2021, ...ROWS_AFTER_OTHER },
} as const;
export type ApplicationRow2019 = keyof (typeof APPLICATION_ROWS)["2019"];
export type ApplicationRow2021 = keyof (typeof APPLICATION_ROWS)["2021"];
export type ApplicationRow = ApplicationRow2019 | ApplicationRow2021;

export function applicationRowKeys(version: TemplateVersion): ApplicationRow[] {
  return Object.keys(APPLICATION_ROWS[version]) as ApplicationRow[];
}

/** The outcome rows that add up to （七）总计, per form of the table. */
export function outcomeRowKeys(version: TemplateVersion): ApplicationRow[] {
  const keys = applicationRowKeys(version);
  return keys.slice(keys.indexOf("granted"), keys.indexOf("totalProcessed"));
}

/** Table 四 groups and their five columns. */
export const REVIEW_GROUPS = {
  review: "行政复议",
  litigationDirect: "行政诉讼 · 未经复议直接起诉",
  litigationAfterReview: "行政诉讼 · 复议后起诉",
} as const;
export type ReviewGroup = keyof typeof REVIEW_GROUPS;
export const REVIEW_GROUP_KEYS = Object.keys(REVIEW_GROUPS) as ReviewGroup[];

export const REVIEW_COLUMNS = {
  upheld: "结果维持",
  corrected: "结果纠正",
  other: "其他结果",
  pending: "尚未审结",
  total: "总计",
} as const;
export type ReviewColumn = keyof typeof REVIEW_COLUMNS;
export const REVIEW_COLUMN_KEYS = Object.keys(REVIEW_COLUMNS) as ReviewColumn[];

export const AMOUNT_UNITS = ["元", "万元", "亿元"] as const;
export type AmountUnit = (typeof AMOUNT_UNITS)[number];
