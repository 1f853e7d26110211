/**
 * What both template versions print alike: table 三's columns and most of its rows,
 * table 四 whole, table 二's row cues, the chapters, and how each table is found.
 * The version files (v2019.ts, v2021.ts) assemble their tables from these.
 */
import type { ChapterDef, ColumnDef, IdentityDef, RowDef, TableCues, TableDef } from "./types.js";

// ---- chapters ----------------------------------------------------------------------

/** A chapter heading: a Chinese ordinal and a short title, nothing else on the line. */
export const CHAPTER_HEADING = /^(?:附件\d*[:：]?)?第?[一二三四五六七八九十]{1,2}[、.．:：](.{2,30})$/;

/** In the order a report prints them; "appendix" (统计表, 附件) only ends the chapter before it. */
/**
 * Chapter titles as reports word them besides the template's own (without ordinals): a
 * crawler's text dump runs headings into the text, and they are found by their words.
 */
export const CHAPTER_TITLE_VARIANTS = [
  "总体概况",
  "基本情况",
  "主动公开政府信息的情况",
  "收到和处理政府信息公开申请的情况",
  "政府信息公开行政复议、行政诉讼的情况",
  "因政府信息公开申请行政复议、提起行政诉讼的情况",
  "存在问题及改进情况",
  "存在的主要问题和改进情况",
  "存在的主要问题及改进措施",
  "其他需要报告的事项",
  "其他需要报告的情况",
] as const;

export const CHAPTERS = [
  { kind: "overview", title: "一、总体情况", cue: /总体情况|概述|总体概况|基本情况/, section: "overview" },
  { kind: "active", title: "二、主动公开政府信息情况", cue: /主动公开(政府)?信息|主动公开情况/ },
  { kind: "applications", title: "三、收到和处理政府信息公开申请情况", cue: /收到和处理|收到与处理|依申请公开(政府信息)?(工作)?情况|政府信息公开申请(情况|办理)/ },
  { kind: "review", title: "四、政府信息公开行政复议、行政诉讼情况", cue: /(行政复议|行政诉讼|复议|诉讼).*情况|行政复议.*行政诉讼/ },
  { kind: "problems", title: "五、存在的主要问题及改进情况", cue: /存在.*问题|问题.*改进|改进(情况|措施)|不足/, section: "problems" },
  { kind: "other", title: "六、其他需要报告的事项", cue: /其他需要报告|其他事项|其他需报告/, section: "other" },
  { kind: "appendix", title: null, cue: /统计表|附表|附件/ },
] as const satisfies readonly ChapterDef[];

// ---- table 二 · 主动公开政府信息情况 -------------------------------------------------

/** The cues of table 二's rows; both versions print the rows they share alike. */
export const ACTIVE_ROW_CUES = {
  regulations: /规章/,
  normativeDocuments: /规范性文件|规范文件/,
  licensing: /行政许可/,
  otherServices: /其他对外管理服务|对外管理服务事项/,
  penalty: /行政处罚/,
  coercion: /行政强制/,
  fees: /行政事业性收费|事业性收费/,
  procurement: /政府集中采购|集中采购/,
} as const;

export const ACTIVE_TITLE = "主动公开政府信息情况";
export const ACTIVE_LABEL_HEADER = "信息内容";

export const ACTIVE_CUES: TableCues = {
  header: /第二十条|信息内容|本年制发|本年新制作|规章/,
  start: /第二十条|信息内容/,
  words: [/规章/, /规范性文件/, /行政许可/, /行政处罚/, /行政强制/, /事业性收费/, /集中采购/, /信息内容/, /第二十条/, /处理决定/, /制发件数/, /现行有效/, /新制作/, /上一年项目/],
  need: 3,
  continuation: /行政许可|行政处罚|行政强制|事业性收费|集中采购/,
};

// ---- table 三 · 收到和处理政府信息公开申请情况 -------------------------------------------

export const APPLICATIONS_TITLE = "收到和处理政府信息公开申请情况";
export const APPLICATIONS_LABEL_HEADER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";

const APPLICANTS = "申请人情况" as const;
const ORGANISATIONS = "法人或其他组织" as const;

/** 申请人情况, in printed order. */
export const APPLICANT_COLUMNS = [
  { key: "naturalPerson", label: "自然人", groups: [APPLICANTS], type: "count" },
  { key: "commercialEnterprise", label: "商业企业", groups: [APPLICANTS, ORGANISATIONS], type: "count" },
  { key: "researchInstitution", label: "科研机构", groups: [APPLICANTS, ORGANISATIONS], type: "count" },
  { key: "socialWelfareOrganization", label: "社会公益组织", groups: [APPLICANTS, ORGANISATIONS], type: "count" },
  { key: "legalServiceInstitution", label: "法律服务机构", groups: [APPLICANTS, ORGANISATIONS], type: "count" },
  { key: "otherOrganization", label: "其他", groups: [APPLICANTS, ORGANISATIONS], type: "count" },
  { key: "total", label: "总计", groups: [APPLICANTS], type: "count" },
] as const satisfies readonly ColumnDef[];

/** The rowspan label of the outcome rows. */
export const RESULTS = "三、本年度办理结果" as const;
const DENIED = "（三）不予公开" as const;
const UNABLE = "（四）无法提供" as const;
const NOT_PROCESSED = "（五）不予处理" as const;
export const OTHER_HANDLING = "（六）其他处理" as const;

/** Table 三's rows before the （六） group, in printed order. */
export const APPLICATION_ROWS_BEFORE_OTHER = [
  { key: "newReceived", label: "一、本年新收政府信息公开申请数量", cue: /本年新收|新收政府信息/ },
  { key: "carriedOver", label: "二、上年结转政府信息公开申请数量", cue: /上年结转/ },
  { key: "granted", label: "（一）予以公开", groups: [RESULTS], cue: /予以公开/ },
  { key: "partiallyGranted", label: "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", groups: [RESULTS], cue: /部分公开/ },
  { key: "deniedStateSecret", label: "1.属于国家秘密", groups: [RESULTS, DENIED], cue: /国家秘密/ },
  // 其他法律行政止公开: a typo real reports print.
  { key: "deniedProhibitedByLaw", label: "2.其他法律行政法规禁止公开", groups: [RESULTS, DENIED], cue: /禁止公开|法律行政法规|行政止公开|其他法律/ },
  { key: "deniedEndangersSafety", label: "3.危及“三安全一稳定”", groups: [RESULTS, DENIED], cue: /三安全|一稳定|危及/ },
  { key: "deniedThirdPartyRights", label: "4.保护第三方合法权益", groups: [RESULTS, DENIED], cue: /第三方/ },
  { key: "deniedInternalAffairs", label: "5.属于三类内部事务信息", groups: [RESULTS, DENIED], cue: /内部事务/ },
  { key: "deniedProcessInformation", label: "6.属于四类过程性信息", groups: [RESULTS, DENIED], cue: /过程性/ },
  { key: "deniedEnforcementFile", label: "7.属于行政执法案卷", groups: [RESULTS, DENIED], cue: /执法案卷/ },
  { key: "deniedAdministrativeQuery", label: "8.属于行政查询事项", groups: [RESULTS, DENIED], cue: /行政查询|查询事项/ },
  { key: "unableNotHeld", label: "1.本机关不掌握相关政府信息", groups: [RESULTS, UNABLE], cue: /不掌握/ },
  { key: "unableNeedsCreation", label: "2.没有现成信息需要另行制作", groups: [RESULTS, UNABLE], cue: /另行制作|现成信息/ },
  { key: "unableUnclear", label: "3.补正后申请内容仍不明确", groups: [RESULTS, UNABLE], cue: /仍不明确|补正后/ },
  { key: "notProcessedComplaint", label: "1.信访举报投诉类申请", groups: [RESULTS, NOT_PROCESSED], cue: /信访|举报投诉/ },
  { key: "notProcessedDuplicate", label: "2.重复申请", groups: [RESULTS, NOT_PROCESSED], cue: /重复申请/ },
  { key: "notProcessedPublication", label: "3.要求提供公开出版物", groups: [RESULTS, NOT_PROCESSED], cue: /出版物/ },
  { key: "notProcessedExcessive", label: "4.无正当理由大量反复申请", groups: [RESULTS, NOT_PROCESSED], cue: /大量反复|反复申请/ },
  { key: "notProcessedConfirmation", label: "5.要求行政机关确认或重新出具已获取信息", groups: [RESULTS, NOT_PROCESSED], cue: /重新出具|确认或/ },
] as const satisfies readonly RowDef[];

/** Table 三's rows after the （六） group. */
export const APPLICATION_ROWS_AFTER_OTHER = [
  // Shortened or reworded: 总计, （七）合计.
  { key: "totalProcessed", label: "（七）总计", groups: [RESULTS], cue: /总计$|\(七\)总计|\(七\)合计|总计/ },
  { key: "carriedForward", label: "四、结转下年度继续办理", cue: /结转下年|下年度继续办理/ },
] as const satisfies readonly RowDef[];

export const APPLICATIONS_CUES: TableCues = {
  header: /申请人情况|本年新收/,
  start: /申请人情况|本年新收/,
  words: [/本年新收|新收政府/, /上年结转/, /予以公开/, /部分公开/, /不予公开/, /国家秘密/, /第三方/, /内部事务/, /过程性/, /执法案卷/, /行政查询/, /不掌握/, /另行制作/, /重复申请/, /出版物/, /结转下年/, /申请人情况/, /自然人/, /法人或其他组织/, /商业企业/, /科研机构/, /法律服务/],
  need: 4,
  continuation: /不予公开|无法提供|不予处理|其他处理|总计|结转下年|重复申请|信访/,
};

const APPLICANT_PARTS = APPLICANT_COLUMNS.filter((c) => c.key !== "total").map((c) => c.key);

/**
 * Table 三's identities. The outcome rows that add up to （七）总计 — （一）予以公开 up to
 * the last row of the （六） group — depend on the form of that group.
 */
export function applicationIdentities(rows: readonly RowDef[]): IdentityDef[] {
  const keys = rows.map((r) => r.key);
  const outcomeRows = keys.slice(keys.indexOf("granted"), keys.indexOf("totalProcessed"));
  return [
    {
      name: "applications.rowTotal",
      code: "IDENTITY_ROW_TOTAL",
      each: "row",
      parts: APPLICANT_PARTS,
      totals: ["total"],
      text: "总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他",
    },
    {
      name: "applications.balance",
      code: "IDENTITY_BALANCE",
      each: "column",
      parts: ["newReceived", "carriedOver"],
      totals: ["totalProcessed", "carriedForward"],
      // Without 本年新收 there is nothing to balance.
      requires: ["totalProcessed", "newReceived"],
      text: "一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续办理 (printed on the table itself)",
    },
    {
      name: "applications.outcomes",
      code: "IDENTITY_OUTCOMES",
      each: "column",
      parts: outcomeRows,
      totals: ["totalProcessed"],
      text: "（七）总计 = （一）予以公开 + （二）部分公开 + every row of （三）不予公开, （四）无法提供, （五）不予处理 and （六）其他处理",
    },
  ];
}

// ---- table 四 · 政府信息公开行政复议、行政诉讼情况 ------------------------------------------

export const REVIEW_TITLE = "政府信息公开行政复议、行政诉讼情况";

/** The five columns of each group (printed as five columns under each group header). */
export const REVIEW_COLUMNS = [
  { key: "upheld", label: "结果维持", type: "count" },
  { key: "corrected", label: "结果纠正", type: "count" },
  { key: "other", label: "其他结果", type: "count" },
  { key: "pending", label: "尚未审结", type: "count" },
  { key: "total", label: "总计", type: "count" },
] as const satisfies readonly ColumnDef[];

const LITIGATION = "行政诉讼" as const;

/** The three groups (printed side by side as column blocks; rows of the record). */
export const REVIEW_ROWS = [
  { key: "review", label: "行政复议", cue: /行政复议(?!后)/ },
  { key: "litigationDirect", label: "未经复议直接起诉", groups: [LITIGATION], cue: /直接起诉|未经复议/ },
  { key: "litigationAfterReview", label: "复议后起诉", groups: [LITIGATION], cue: /复议后起诉/ },
] as const satisfies readonly RowDef[];

export const REVIEW_IDENTITIES: readonly IdentityDef[] = [
  {
    name: "reviewLitigation.groupTotal",
    code: "IDENTITY_REVIEW_TOTAL",
    each: "row",
    parts: ["upheld", "corrected", "other", "pending"],
    totals: ["total"],
    text: "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
  },
];

export const REVIEW_CUES: TableCues = {
  header: /维持|纠正|审结|行政复议/,
  start: /行政复议/,
  words: [/行政复议/, /行政诉讼/, /维持/, /纠正/, /审结/, /直接起诉/, /复议后/],
  need: 3,
  also: /维持|纠正|审结/,
  continuation: /维持|纠正|审结/,
};

// ---- the tables, from a version's own rows ------------------------------------------

/** Table 二 with a version's rows (each with its columns). */
export function activeTable<const R extends readonly RowDef[]>(rows: R) {
  return { key: "activeDisclosure", chapter: "active", number: "二", title: ACTIVE_TITLE, labelHeader: ACTIVE_LABEL_HEADER, rows, identities: [], cues: ACTIVE_CUES } as const satisfies TableDef;
}

/** Table 三 with a version's rows of the （六） group. */
export function applicationsTable<const R extends readonly RowDef[]>(otherRows: R) {
  const rows = [...APPLICATION_ROWS_BEFORE_OTHER, ...otherRows, ...APPLICATION_ROWS_AFTER_OTHER] as const;
  return {
    key: "applications",
    chapter: "applications",
    number: "三",
    title: APPLICATIONS_TITLE,
    labelHeader: APPLICATIONS_LABEL_HEADER,
    rows,
    columns: APPLICANT_COLUMNS,
    identities: applicationIdentities(rows),
    cues: APPLICATIONS_CUES,
  } as const satisfies TableDef;
}

/** Table 四, which both versions print alike. */
export const REVIEW_TABLE = {
  key: "reviewLitigation",
  chapter: "review",
  number: "四",
  title: REVIEW_TITLE,
  rows: REVIEW_ROWS,
  columns: REVIEW_COLUMNS,
  identities: REVIEW_IDENTITIES,
  cues: REVIEW_CUES,
} as const satisfies TableDef;
