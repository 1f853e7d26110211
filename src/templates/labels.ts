/**
 * The label dictionaries: how each row, column, chapter and template marker can be
 * printed. Matching is on compacted text (see _shared/text.ts#compact), by cue
 * patterns that survive line breaks, old wordings (规范性文件 vs 行政规范性文件),
 * shortened group labels and typos (其他法律行政止公开).
 */
import type { ApplicationRow, ReviewGroup, TemplateVersion } from "../model/vocabulary.js";

/** "appendix" (统计表, 附件) is recognised only so that it ends the chapter before it. */
export type ChapterKind = "overview" | "active" | "applications" | "review" | "problems" | "other" | "appendix";

/** Chapter headings by what they are about, whatever their exact wording or numbering. */
export const CHAPTER_CUES: Record<ChapterKind, RegExp> = {
  overview: /总体情况|概述|总体概况|基本情况/,
  active: /主动公开(政府)?信息|主动公开情况/,
  applications: /收到和处理|收到与处理|依申请公开(政府信息)?(工作)?情况|政府信息公开申请(情况|办理)/,
  review: /(行政复议|行政诉讼|复议|诉讼).*情况|行政复议.*行政诉讼/,
  problems: /存在.*问题|问题.*改进|改进(情况|措施)|不足/,
  other: /其他需要报告|其他事项|其他需报告/,
  appendix: /统计表|附表|附件/,
};

/** A chapter heading: a Chinese ordinal and a short title, nothing else on the line. */
export const CHAPTER_HEADING = /^(?:附件\d*[:：]?)?第?[一二三四五六七八九十]{1,2}[、.．:：](.{2,30})$/;

/** Table 二: row cues, in the order of the 2019 template. */
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
export type ActiveRowKey = keyof typeof ACTIVE_ROW_CUES;

/** Table 二 rows by their printed names, for labels whose cue OCR has garbled. */
export const ACTIVE_ROW_NAMES: Record<ActiveRowKey, string> = {
  regulations: "规章",
  normativeDocuments: "规范性文件",
  licensing: "行政许可",
  otherServices: "其他对外管理服务事项",
  penalty: "行政处罚",
  coercion: "行政强制",
  fees: "行政事业性收费",
  procurement: "政府集中采购",
};

/** Column headers that only one version of table 二 prints. */
export const ACTIVE_TEMPLATE_MARKERS: Record<TemplateVersion, RegExp[]> = {
  "2019": [/新制作数量/, /新公开数量/, /对外公开总数/, /上一年项目数/, /增\/?减/, /采购项目数/, /采购总金额/, /其他对外管理服务/],
  "2021": [/制发件数/, /废止件数/, /现行有效件数/, /收费金额/],
};

/** Table 三: row cues. The row a label names is the one whose cue ends last in it. */
export const APPLICATION_ROW_CUES: Record<ApplicationRow, RegExp> = {
  newReceived: /本年新收|新收政府信息/,
  carriedOver: /上年结转/,
  granted: /予以公开/,
  partiallyGranted: /部分公开/,
  deniedStateSecret: /国家秘密/,
  deniedProhibitedByLaw: /禁止公开|法律行政法规|行政止公开|其他法律/,
  deniedEndangersSafety: /三安全|一稳定|危及/,
  deniedThirdPartyRights: /第三方/,
  deniedInternalAffairs: /内部事务/,
  deniedProcessInformation: /过程性/,
  deniedEnforcementFile: /执法案卷/,
  deniedAdministrativeQuery: /行政查询|查询事项/,
  unableNotHeld: /不掌握/,
  unableNeedsCreation: /另行制作|现成信息/,
  unableUnclear: /仍不明确|补正后/,
  notProcessedComplaint: /信访|举报投诉/,
  notProcessedDuplicate: /重复申请/,
  notProcessedPublication: /出版物/,
  notProcessedExcessive: /大量反复|反复申请/,
  notProcessedConfirmation: /重新出具|确认或/,
  otherHandling: /其他处理|\(六\)其他$/,
  otherOverdueCorrection: /不补正|逾期不补/,
  otherOverdueFee: /收费通知|缴纳费用|逾期未按/,
  otherOther: /3\.其他$|^其他$/,
  totalProcessed: /总计$|\(七\)总计|\(七\)合计|总计/,
  carriedForward: /结转下年|下年度继续办理/,
};

/** Table 三 rows by their own words, for labels whose cue OCR has garbled (compared by nameSimilarity). */
export const APPLICATION_ROW_NAMES: Record<ApplicationRow, string> = {
  newReceived: "本年新收政府信息公开申请数量",
  carriedOver: "上年结转政府信息公开申请数量",
  granted: "予以公开",
  partiallyGranted: "部分公开区分处理的只计这一情形不计其他情形",
  deniedStateSecret: "属于国家秘密",
  deniedProhibitedByLaw: "其他法律行政法规禁止公开",
  deniedEndangersSafety: "危及三安全一稳定",
  deniedThirdPartyRights: "保护第三方合法权益",
  deniedInternalAffairs: "属于三类内部事务信息",
  deniedProcessInformation: "属于四类过程性信息",
  deniedEnforcementFile: "属于行政执法案卷",
  deniedAdministrativeQuery: "属于行政查询事项",
  unableNotHeld: "本机关不掌握相关政府信息",
  unableNeedsCreation: "没有现成信息需要另行制作",
  unableUnclear: "补正后申请内容仍不明确",
  notProcessedComplaint: "信访举报投诉类申请",
  notProcessedDuplicate: "重复申请",
  notProcessedPublication: "要求提供公开出版物",
  notProcessedExcessive: "无正当理由大量反复申请",
  notProcessedConfirmation: "要求行政机关确认或重新出具已获取信息",
  otherHandling: "其他处理",
  otherOverdueCorrection: "申请人无正当理由逾期不补正行政机关不再处理其政府信息公开申请",
  otherOverdueFee: "申请人逾期未按收费通知要求缴纳费用行政机关不再处理其政府信息公开申请",
  otherOther: "其他",
  totalProcessed: "总计",
  carriedForward: "结转下年度继续办理",
};

/** Table 三 header: where the table starts. */
export const APPLICATIONS_HEADER = /申请人情况|本年新收/;

/** Table 四: group cues, for tables printed as three labelled rows or tables. */
export const REVIEW_GROUP_CUES: Record<ReviewGroup, RegExp> = {
  review: /行政复议(?!后)/,
  litigationDirect: /直接起诉|未经复议/,
  litigationAfterReview: /复议后起诉/,
};
export const REVIEW_HEADER = /维持|纠正|审结|行政复议/;

/** Table 二 header: where the table starts. */
export const ACTIVE_HEADER = /第二十条|信息内容|本年制发|本年新制作|规章/;

export type TableId = "active" | "applications" | "review";

/**
 * Words each table prints; a table is recognised by several of them, so that a few
 * misread by OCR (新收 read as 钵收) do not hide it.
 */
const TABLE_WORDS: Record<TableId, { words: RegExp[]; need: number }> = {
  active: { words: [/规章/, /规范性文件/, /行政许可/, /行政处罚/, /行政强制/, /事业性收费/, /集中采购/, /信息内容/, /第二十条/, /处理决定/, /制发件数/, /现行有效/, /新制作/, /上一年项目/], need: 3 },
  applications: {
    words: [/本年新收|新收政府/, /上年结转/, /予以公开/, /部分公开/, /不予公开/, /国家秘密/, /第三方/, /内部事务/, /过程性/, /执法案卷/, /行政查询/, /不掌握/, /另行制作/, /重复申请/, /出版物/, /结转下年/, /申请人情况/, /自然人/, /法人或其他组织/, /商业企业/, /科研机构/, /法律服务/],
    need: 4,
  },
  review: { words: [/行政复议/, /行政诉讼/, /维持/, /纠正/, /审结/, /直接起诉/, /复议后/], need: 3 },
};

export const TABLE_TEXT: Record<TableId, (text: string) => boolean> = {
  active: (t) => TABLE_WORDS.active.words.filter((w) => w.test(t)).length >= TABLE_WORDS.active.need && !TABLE_TEXT.applications(t),
  applications: (t) => TABLE_WORDS.applications.words.filter((w) => w.test(t)).length >= TABLE_WORDS.applications.need,
  review: (t) => TABLE_WORDS.review.words.filter((w) => w.test(t)).length >= TABLE_WORDS.review.need && /维持|纠正|审结/.test(t),
};

