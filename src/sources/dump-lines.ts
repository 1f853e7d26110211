/**
 * The body of a crawler text dump back into lines. A dump flattens the page's text onto
 * very few lines: paragraphs, chapter headings and table rows run together, and a
 * row's cells are glued to its label and to each other
 * (`规章000行政规范性文件77132470`). This puts each chapter heading on its own line and,
 * inside a table, ends a line after each run of value digits — which leaves every row
 * as `label + glued digits`, the form the text parsers split by the template's
 * identities (and leave null, flagged, where no split is unique).
 *
 * Lines break only inside a table (from its header to the next chapter heading), so
 * the figures of the narrative ("全县制发规范性文件7件") never read as table rows.
 */
import { CHAPTER_TITLE_VARIANTS, CHAPTERS, TEMPLATES } from "../definition/index.js";

/** A chapter's title as reports word it, without its ordinal (both template texts and common variants). */
const CHAPTER_TITLES = [...CHAPTERS.flatMap((c) => (c.title ? [c.title.replace(/^[一二三四五六七八九十]+、/, "")] : [])), ...CHAPTER_TITLE_VARIANTS];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A chapter heading anywhere in a line: an ordinal and a known title. Longest titles first, so a variant that extends another wins. */
const HEADING = new RegExp(`[一二三四五六七八九十][、.．]\\s*(?:${[...new Set(CHAPTER_TITLES)].sort((a, b) => b.length - a.length).map(escape).join("|")})`, "g");

/**
 * Where each table's text starts: its header, as a flattened table prints it. Table 四's
 * is its two group headers run together — the narrative above it says 行政复议 too.
 */
const TABLE_STARTS = ((t) => {
  const review = t.reviewLitigation;
  const [first, second] = review.columns ?? [];
  const groups = `${escape(review.rows[0]!.label)}\\s*${escape(review.rows[1]!.groups?.[0] ?? "")}`;
  return [t.activeDisclosure.cues.start, t.applications.cues.start, new RegExp(`${groups}|${escape(first!.label)}\\s*${escape(second!.label)}`)];
})(TEMPLATES["2021"].tables);

/**
 * The end of each run of value digits that a label follows (a row ends there). Digits
 * that number a label (`2.其他法律…`, `（三）…1.属于…`) are not values: a single digit
 * before `.`/`、` and a non-digit. What goes on with the row after a number: more
 * numbers after a space, a sign (增/减), a blank cell's dash or slash; a unit (万元, 元)
 * ends the row after it.
 */
const VALUE_RUN_END = /\d(?=\d[.．、]\D)|\d\s*(?:亿元|万元|元)|\d(?![\d.．,，])(?!\s*(?:增|减|亿元|万元|元|件|个|项|条|＿|[-—–－/／]))(?!\s+\d)/g;

/** A note beside a number (`22（其中修订16件）`): its digits are not values, and the row goes on after it. */
const NOTE = /[（(](?:其中|含|包括)[^（()）]*[）)]/g;

/** Splits one flattened line at its chapter headings: heading lines, and the text between them. */
function splitHeadings(line: string): { text: string; heading: boolean }[] {
  const out: { text: string; heading: boolean }[] = [];
  let at = 0;
  for (const m of line.matchAll(HEADING)) {
    // A numbered row label ("四、结转下年度…") is not in the list; one glued to digits ("…0三、收到和处理…") is a heading all the same.
    if (m.index > at) out.push({ text: line.slice(at, m.index), heading: false });
    out.push({ text: m[0], heading: true });
    at = m.index + m[0].length;
  }
  if (at < line.length) out.push({ text: line.slice(at), heading: false });
  return out;
}

/**
 * Digit groups a space separates inside a glued row ("500000 5": a cell that carried a
 * space of its own) are one run again: a dump glues cells, so the space separates
 * nothing. Single digits apart ("规章 0 0 0") are left as the cells they are.
 */
function joinDigitRuns(row: string): string {
  return row.replace(/\d+(?:[ \t\u00a0\u3000]+\d+)+/g, (run) => {
    const groups = run.split(/[ \t\u00a0\u3000]+/);
    return groups.some((g) => g.length >= 2) ? groups.join("") : run;
  });
}

/** A table's text cut into rows: a line ends after each run of value digits. */
function splitRows(text: string): string[] {
  const rows: string[] = [];
  let at = 0;
  // Notes are masked (same length, so positions hold) before the runs are looked for.
  const masked = text.replace(NOTE, (note) => "＿".repeat(note.length));
  for (const m of masked.matchAll(VALUE_RUN_END)) {
    const end = m.index + m[0].length;
    rows.push(text.slice(at, end));
    at = end;
  }
  if (at < text.length) rows.push(text.slice(at));
  return rows.map((r) => joinDigitRuns(r.trim())).filter((r) => r !== "");
}

/** The first table header in a text, if any. */
function tableStart(text: string): number {
  let first = -1;
  for (const re of TABLE_STARTS) {
    const m = re.exec(text);
    if (m && (first < 0 || m.index < first)) first = m.index;
  }
  return first;
}

/** A line of text and the 1-based line of the dump it comes from. */
export interface NumberedLine {
  text: string;
  line: number;
}

/**
 * A dump's body lines → the lines a text dump of the same page would have: headings
 * alone, narrative as it stood, table rows one per line.
 */
export function unflattenBody(lines: NumberedLine[]): NumberedLine[] {
  const out: NumberedLine[] = [];
  // Once a table has started, text runs on as table text until the next chapter heading.
  let inTable = false;
  for (const { text: whole, line } of lines) {
    const push = (text: string) => {
      if (text.trim() !== "") out.push({ text: text.trim(), line });
    };
    for (const part of splitHeadings(whole)) {
      if (part.heading) {
        push(part.text);
        inTable = false;
        continue;
      }
      let text = part.text;
      if (!inTable) {
        const start = tableStart(text);
        if (start < 0) {
          push(text);
          continue;
        }
        push(text.slice(0, start));
        text = text.slice(start);
        inTable = true;
      }
      splitRows(text).forEach(push);
    }
  }
  return out;
}
