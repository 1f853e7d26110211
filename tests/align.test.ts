import { describe, expect, it } from "vitest";
import { rowCues, rowKeys, rowNames, TEMPLATES } from "../src/definition/index.js";
import { alignRows } from "../src/templates/_shared/align.js";
import { closestName } from "../src/templates/_shared/text.js";
import { placeValues } from "../src/templates/_shared/place.js";
import { readCell } from "../src/templates/_shared/codecs.js";
import type { ValueCell } from "../src/templates/_shared/rows.js";

const keys2021 = rowKeys(TEMPLATES["2021"].tables.applications);
const APPLICATION_ROW_CUES = rowCues(TEMPLATES["2021"].tables.applications.rows);

describe("alignRows", () => {
  it("maps labels by their cues, the row's own label winning over a group label before it", () => {
    const labels = ["一、本年新收政府信息公开申请数量", "（三）不予公开1.属于国家秘密", "2.其他法律行政止公开"]; // typo as printed in a real report
    const { matches } = alignRows(labels, keys2021, APPLICATION_ROW_CUES);
    expect([...matches.entries()].sort((a, b) => a[0] - b[0]).map(([, k]) => k)).toEqual(["newReceived", "deniedStateSecret", "deniedProhibitedByLaw"]);
  });

  it("names a row whose label OCR read with its lines out of order by its characters, when one long name has them all", () => {
    // Ghostscript's black-and-white scan of a random report: 4.无正当理由大量反复申请 on two lines read back
    // scrambled; by the order of its characters it resembles 重复申请 more (0.75 against 0.45).
    const names = rowNames(TEMPLATES["2021"].tables.applications.rows);
    expect(closestName("量反复申大量当理由4.无正请", names, keys2021)).toBe("notProcessedExcessive");
    const labels = ["2.重复申请", "3.要求提供公开出版物", "量反复申大量当理由4.无正请", "5.要求行政机关确认或重新出具已获取信息"];
    const { matches } = alignRows(labels, keys2021, APPLICATION_ROW_CUES, names);
    expect(matches.get(2)).toBe("notProcessedExcessive");
    // A character missing leaves it to resemblance and order, as before.
    expect(closestName("量反复申量当理由4.无正请", names, keys2021)).toBe("notProcessedDuplicate");
  });

  it("places rows without labels by order between labelled neighbours", () => {
    const labels = ["1.属于国家秘密", "", "", "4.保护第三方合法权益"];
    const { matches } = alignRows(labels, keys2021, APPLICATION_ROW_CUES);
    expect([...matches.entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [0, "deniedStateSecret"],
      [1, "deniedProhibitedByLaw"],
      [2, "deniedEndangersSafety"],
      [3, "deniedThirdPartyRights"],
    ]);
  });

  // An OCR'd scan garbles labels: a row no cue names is placed by its order only where no
  // other alignment fits as well (pingtan-2023's borderless print scanned at 200 dpi read
  // 三、本年度办理结果（一）予以公开 as "ET" / "年度办" / "理结果"; two rows between 二、上年结转
  // and （二）部分公开, the fragment with a stray mark took 予以公开 by the alignment's tie-break).
  it("prefers a row with values to a label fragment printed alone, where order alone decides", () => {
    // "公开申请", the rest of a wrapped label a borderless print left on a line of its own.
    const labels = ["2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息", "公开申请", "3 其他 X", "Cag) )S", "四、结转下年度继续办理"];
    const fragments = [false, true, false, false, false];
    const { matches, ambiguous } = alignRows(labels, keys2021, APPLICATION_ROW_CUES, undefined, fragments);
    expect(ambiguous.size).toBe(0);
    expect(matches.get(2)).toBe("otherOther");
    expect(matches.get(3)).toBe("totalProcessed");
    // Without the hint the two fit otherOther equally well: it is left to the caller to flag.
    expect(alignRows(labels, keys2021, APPLICATION_ROW_CUES).ambiguous.has("otherOther")).toBe(true);
  });

  // pingtan-2022's borderless print scanned at 200 dpi by poppler, one pixel larger: OCR ran
  // the label lines of 1.本机关不掌握… and 2.没有现成信息 together on the row printing 37 … 37,
  // and the cue ending last named 2. — the 37s went to the wrong row, silently (every column
  // identity holds either way).
  it("takes a label holding two rows' enumerated labels to name neither, and lets order decide", () => {
    const labels = ["7.属于行政执法案卷", "8属于行政查", "事项", "|四)相关政府信息Ja2.1.本机关不掌握没有现成信息", "藉二各天要另行制作全扒3.补正后申请内", "容仍不明确", "1.信访举报投诉类申请"];
    const { matches } = alignRows(labels, keys2021, APPLICATION_ROW_CUES);
    expect(matches.get(3)).toBe("unableNotHeld");
    expect(matches.get(4)).toBe("unableNeedsCreation");
    expect(matches.get(5)).toBe("unableUnclear");
    // One enumerator and a group's before it is one row's label: its own cue, ending last, names it.
    expect(alignRows(["（四）无法提供1.本机关不掌握相关政府信息"], keys2021, APPLICATION_ROW_CUES).matches.get(0)).toBe("unableNotHeld");
  });

  it("leaves a key that two rows without a label fit equally well unplaced, naming both", () => {
    const labels = ["二、上年结转政府信息公开申请数量", "ET年度办", "理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"];
    const { matches, ambiguous } = alignRows(labels, keys2021, APPLICATION_ROW_CUES);
    expect([...matches.values()]).toEqual(expect.arrayContaining(["carriedOver", "partiallyGranted"]));
    expect([...matches.values()]).not.toContain("granted");
    expect(ambiguous.get("granted")).toEqual([1, 2]);
  });

  it("places a row without a label by order when it is the only row for the only key between its neighbours", () => {
    const labels = ["二、上年结转政府信息公开申请数量", "ET年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"];
    const { matches, ambiguous } = alignRows(labels, keys2021, APPLICATION_ROW_CUES);
    expect(matches.get(1)).toBe("granted");
    expect(ambiguous.size).toBe(0);
  });

  it("leaves a row without a label unplaced when two keys between its neighbours fit it", () => {
    const labels = ["二、上年结转政府信息公开申请数量", "ET年度办理结果", "1.属于国家秘密"];
    const { matches, ambiguous } = alignRows(labels, keys2021, APPLICATION_ROW_CUES);
    expect(matches.get(1)).toBeUndefined();
    expect([...ambiguous.keys()].sort()).toEqual(["granted", "partiallyGranted"]);
  });

  it("skips a row that names nothing when every slot is taken", () => {
    const labels = ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量"];
    const { matches } = alignRows(labels, keys2021, APPLICATION_ROW_CUES);
    expect(matches.get(0)).toBeUndefined();
    expect(matches.get(1)).toBe("newReceived");
  });
});

const cells = (texts: string[], xs?: number[]): ValueCell[] =>
  texts.map((text, i) => ({ text, reading: readCell(text), origin: { kind: "text", line: 1 }, ...(xs ? { x: xs[i]! } : {}) }));

describe("placeValues", () => {
  const centers = [10, 20, 30, 40, 50, 60, 70];

  it("keeps a full row as printed", () => {
    const p = placeValues(cells(["1", "2", "3", "4", "5", "6", "21"]), 7);
    expect(p.ok && p.how).toBe("exact");
  });

  it("places PDF values by x-centre, leaving blank columns null", () => {
    const p = placeValues(cells(["5", "1", "6"], [11, 39, 69]), 7, { centers });
    expect(p.ok && p.cells.map((c) => c?.text ?? null)).toEqual(["5", null, null, "1", null, null, "6"]);
  });

  it("refuses two values in one column", () => {
    const p = placeValues(cells(["5", "1"], [11, 12]), 7, { centers });
    expect(p.ok).toBe(false);
  });

  it("splits a glued digit run only when one split satisfies the row identity", () => {
    const p = placeValues(cells(["162000018"]), 7, { groups: [{ parts: [0, 1, 2, 3, 4, 5], total: 6 }] });
    expect(p.ok && p.cells.map((c) => c?.text)).toEqual(["16", "2", "0", "0", "0", "0", "18"]);
    const q = placeValues(cells(["1111116"]), 7, { groups: [{ parts: [0, 1, 2, 3, 4, 5], total: 6 }] });
    expect(q.ok && q.cells.map((c) => c?.text)).toEqual(["1", "1", "1", "1", "1", "1", "6"]);
    const r = placeValues(cells(["11011025"]), 7, { groups: [{ parts: [0, 1, 2, 3, 4, 5], total: 6 }] });
    expect(r.ok).toBe(false);
  });

  it("places short text rows by the identity, or not at all", () => {
    const groups = [{ parts: [0, 1, 2, 3, 4, 5], total: 6 }];
    const p = placeValues(cells(["7", "3", "10"]), 7, { groups });
    expect(p.ok).toBe(false); // 7 and 3 could stand in any two of six columns
    const q = placeValues(cells(["4", "1", "2", "3", "4", "1", "15"]).slice(0, 6), 7, { groups }); // total missing: forced
    expect(q.ok && q.cells.map((c) => c?.text ?? null)).toEqual(["4", "1", "2", "3", "4", "1", null]);
  });
});
