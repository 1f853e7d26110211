/**
 * A streaming SpreadsheetML (XLSX) writer, for the XLSX export. Every worksheet is
 * written row by row to its own file of deflated XML while the dataset streams by, so
 * several sheets fill at once with nothing held in memory but a short text buffer each;
 * when the export closes, the package parts and the sheets are copied into one ZIP.
 *
 * What it writes: numbers as numbers, booleans as booleans, a blank as no cell at all (or
 * an empty styled cell, where a blank is highlighted), text as inline strings — except a
 * fixed set of strings given up front (row keys and labels, codes: what repeats on every
 * row), which go to the shared-string table; a table of every string would have to be
 * held whole. A sheet has two header rows, the Chinese labels and the machine names,
 * both frozen, an auto-filter on the second, and past Excel's 1,048,576 rows it goes on
 * in a sheet of the same name with " (2)", " (3)" ….
 */
import { join } from "node:path";
import { ascii, ByteWriter, utf8Bytes } from "./bytes.js";
import { DeflatedFile, type DeflatedData, type ZipWriter } from "./zip.js";

export type CellValue = string | number | boolean | null;

/** Cell styles (indexes into styles.xml's cellXfs). */
export const STYLE = { none: 0, header: 1, names: 2, error: 3, warning: 4 } as const;
export type Style = (typeof STYLE)[keyof typeof STYLE];

export interface SheetColumn {
  /** First header row: the Chinese label. */
  label: string;
  /** Second header row: the machine name (as in CSV and Parquet). */
  name: string;
  /** Column width in characters (Excel's unit). */
  width: number;
}

export interface SheetSpec {
  name: string;
  columns: SheetColumn[];
  /** Columns kept in view when scrolling right (the header rows always are). */
  frozenColumns?: number;
}

/** Excel's limits. */
export const MAX_ROWS = 1_048_576;
const MAX_TEXT = 32_767;
const MAX_SHEET_NAME = 31;

const NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** A, B, …, Z, AA, … */
export function columnName(index: number): string {
  let name = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

// Control characters are what these look for: XML cannot carry them as they are.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]|_x[0-9A-Fa-f]{4}_/;
// eslint-disable-next-line no-control-regex
const ESCAPES = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|_x[0-9A-Fa-f]{4}_|[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g;

/**
 * Text as element content. Besides &, < and >: characters XML cannot carry (control
 * characters, U+FFFE/U+FFFF) and CR (which XML turns into LF) are written as Excel's
 * `_xHHHH_` escapes, a literal `_xHHHH_` gets its underscore escaped so that it reads
 * back as itself, and a lone surrogate becomes U+FFFD.
 */
export function escapeText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(ESCAPES, (m) => {
    if (m === "&") return "&amp;";
    if (m === "<") return "&lt;";
    if (m === ">") return "&gt;";
    if (m.length === 2) return m; // a surrogate pair
    if (m.length === 7) return `_x005F${m}`;
    const code = m.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdfff) return "\uFFFD";
    return `_x${code.toString(16).toUpperCase().padStart(4, "0")}_`;
  });
}

/** Text as an attribute value (names of sheets). */
function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, "&quot;");
}

/** A `<t>` element (of an inline or a shared string), cut to Excel's 32,767 characters. */
// eslint-disable-next-line no-control-regex
const PLAIN = /^\s|\s$|[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]|_x[0-9A-Fa-f]{4}_/;

function textElement(text: string): string {
  // Most text (ids, names, codes) needs nothing: one test says so.
  if (text.length <= MAX_TEXT && !PLAIN.test(text)) return `<t>${text}</t>`;
  const t = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
  const space = /^\s|\s$/.test(t) ? ' xml:space="preserve"' : "";
  return `<t${space}>${escapeText(t)}</t>`;
}

const inlineString = (text: string) => `<is>${textElement(text)}</is>`;

/** A sheet name Excel accepts: no []:*?/\, at most 31 characters, room left for a " (n)" suffix. */
function sheetName(base: string, part: number): string {
  const clean = base.replace(/[[\]:*?/\\]/g, "_");
  const suffix = part > 1 ? ` (${part})` : "";
  return clean.slice(0, MAX_SHEET_NAME - suffix.length) + suffix;
}

interface FinishedPart {
  name: string;
  data: DeflatedData;
  /** The auto-filter's range, e.g. `A2:IF731`. */
  filter: string;
}

/** Bytes written per sheet before they go to the deflater. */
const CHUNK = 1 << 18;

/** One worksheet file: its header, its rows, written as bytes into chunks that go to the deflater. */
class Part {
  rows = 0;
  readonly file: DeflatedFile;
  readonly out: ByteWriter;

  constructor(
    readonly name: string,
    path: string,
    level: number,
  ) {
    const file = (this.file = new DeflatedFile(path, level));
    this.out = new ByteWriter(CHUNK, (bytes, done) => file.push(bytes, done));
  }
}

// The XML of a cell, in pieces: `<c r="B7" s="3" t="s"><v>12</v></c>`.
const ROW_OPEN = ascii('<row r="');
const ROW_OPENED = ascii('">');
const ROW_CLOSE = ascii("</row>");
const QUOTE = ascii('"');
const STYLE_ATTRIBUTES: Uint8Array[] = [];
for (const s of Object.values(STYLE)) STYLE_ATTRIBUTES[s] = ascii(` s="${s}"`);
const EMPTY = ascii("/>");
const NUMBER = ascii("><v>");
const BOOLEAN = ascii(' t="b"><v>');
const SHARED = ascii(' t="s"><v>');
const INLINE = ascii(' t="inlineStr">');
const VALUE_CLOSE = ascii("</v></c>");
const CELL_CLOSE = ascii("</c>");
const TRUE = ascii("1");
const FALSE = ascii("0");

/**
 * A worksheet. `row()` only buffers (no promise per row); `drain()` waits while the
 * deflater is behind and must be awaited between rows often enough to keep memory
 * flat — the XLSX sink does after every report.
 */
export class Sheet {
  private part: Part | undefined;
  /** Parts past the row limit, their closing tags written, not yet ended. */
  private readonly full: Part[] = [];
  private readonly finished: FinishedPart[] = [];
  /** `<c r="` and each column's letters. */
  private readonly opens: Uint8Array[];
  private readonly lastColumn: string;
  private readonly start: string;

  constructor(
    private readonly book: Workbook,
    readonly spec: SheetSpec,
  ) {
    this.opens = spec.columns.map((_, i) => ascii(`<c r="${columnName(i)}`));
    this.lastColumn = columnName(Math.max(spec.columns.length - 1, 0));
    this.start = utf8Bytes(this.head());
  }

  /** The worksheet's XML up to its first data row: views, widths, the two header rows. */
  private head(): string {
    const frozen = this.spec.frozenColumns ?? 0;
    const topLeft = `${columnName(frozen)}3`;
    const pane = frozen
      ? `<pane xSplit="${frozen}" ySplit="2" topLeftCell="${topLeft}" activePane="bottomRight" state="frozen"/><selection pane="topRight"/><selection pane="bottomLeft"/><selection pane="bottomRight" activeCell="${topLeft}" sqref="${topLeft}"/>`
      : `<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A3" sqref="A3"/>`;
    let cols = "";
    this.spec.columns.forEach((c, i) => {
      cols += `<col min="${i + 1}" max="${i + 1}" width="${c.width}" customWidth="1"/>`;
    });
    // The label row is as tall as its longest label needs (CJK characters are two units wide).
    const lines = Math.max(1, ...this.spec.columns.map((c) => Math.ceil((c.label.length * 2) / Math.max(c.width - 1, 1))));
    const height = Math.min(15 * lines + 3, 150);
    const row = (r: number, style: Style, text: (c: SheetColumn) => string, attrs = "") =>
      `<row r="${r}"${attrs}>${this.spec.columns.map((c, i) => `<c r="${columnName(i)}${r}" s="${style}" t="inlineStr">${inlineString(text(c))}</c>`).join("")}</row>`;
    return (
      `${XML_HEAD}<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
      `<sheetViews><sheetView workbookViewId="0">${pane}</sheetView></sheetViews>` +
      `<sheetFormatPr defaultRowHeight="15"/>` +
      (cols ? `<cols>${cols}</cols>` : "") +
      `<sheetData>` +
      row(1, STYLE.header, (c) => c.label, ` ht="${height}" customHeight="1"`) +
      row(2, STYLE.names, (c) => c.name)
    );
  }

  private openPart(): Part {
    const number = this.finished.length + this.full.length + 1;
    const part = new Part(sheetName(this.spec.name, number), join(this.book.dir, `part-${this.book.nextPartId()}.xml.deflate`), this.book.level);
    this.book.track(part.file);
    part.out.latin(this.start);
    part.rows = 2;
    return part;
  }

  /** Writes a part's closing tags; drain() ends it. */
  private retire(part: Part): void {
    part.out.latin(`</sheetData><autoFilter ref="A2:${this.lastColumn}${part.rows}"/></worksheet>`);
    this.full.push(part);
  }

  /** Appends a row. `styles[i]` styles cell i; a styled blank is written as an empty cell. */
  row(values: readonly CellValue[], styles?: readonly (Style | undefined)[] | null): void {
    if (this.part && this.part.rows >= this.book.maxRows) {
      this.retire(this.part);
      this.part = undefined;
    }
    this.part ??= this.openPart();
    const r = ++this.part.rows;
    const out = this.part.out;
    out.bytes(ROW_OPEN);
    out.number(r);
    out.bytes(ROW_OPENED);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const s = styles?.[i];
      const blank = v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v));
      if (blank && !s) continue;
      // <c r="B7"
      out.bytes(this.opens[i]!);
      out.number(r);
      out.bytes(QUOTE);
      if (s) out.bytes(STYLE_ATTRIBUTES[s]!);
      if (blank) out.bytes(EMPTY);
      else if (typeof v === "number") {
        out.bytes(NUMBER);
        out.number(Object.is(v, -0) ? 0 : v);
        out.bytes(VALUE_CLOSE);
      } else if (typeof v === "boolean") {
        out.bytes(BOOLEAN);
        out.bytes(v ? TRUE : FALSE);
        out.bytes(VALUE_CLOSE);
      } else {
        const shared = this.book.shared.get(v!);
        if (shared === undefined) {
          out.bytes(INLINE);
          out.latin(this.book.inline(v!));
          out.bytes(CELL_CLOSE);
        } else {
          out.bytes(SHARED);
          out.number(shared);
          out.bytes(VALUE_CLOSE);
        }
      }
    }
    out.bytes(ROW_CLOSE);
  }

  /** Ends full parts, and waits while the deflater is behind. */
  async drain(): Promise<void> {
    while (this.full.length) {
      const part = this.full.shift()!;
      part.out.flush();
      this.finished.push({ name: part.name, data: await part.file.end(), filter: `A2:${this.lastColumn}${part.rows}` });
    }
    if (this.part) await this.part.file.drained();
  }

  /** Ends the sheet (a sheet with no rows still has its header). */
  async end(): Promise<FinishedPart[]> {
    this.retire(this.part ?? this.openPart());
    this.part = undefined;
    await this.drain();
    return this.finished;
  }
}

const STYLES_XML = (() => {
  const font = (inner: string) => `<font>${inner}<sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>`;
  const fill = (rgb: string) => `<fill><patternFill patternType="solid"><fgColor rgb="${rgb}"/><bgColor indexed="64"/></patternFill></fill>`;
  return (
    `${XML_HEAD}<styleSheet xmlns="${NS_MAIN}">` +
    `<fonts count="5">${font("")}${font("<b/>")}${font('<i/><color rgb="FF595959"/>')}${font('<color rgb="FF9C0006"/>')}${font('<color rgb="FF9C5700"/>')}</fonts>` +
    `<fills count="5"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>${fill("FFFFC7CE")}${fill("FFFFEB9C")}${fill("FFDDEBF7")}</fills>` +
    `<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left/><right/><top/><bottom style="thin"><color rgb="FF8EA9C1"/></bottom><diagonal/></border></borders>` +
    `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
    `<cellXfs count="5">` +
    `<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
    `<xf numFmtId="0" fontId="1" fillId="4" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>` +
    `<xf numFmtId="0" fontId="2" fillId="4" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"/>` +
    `<xf numFmtId="0" fontId="3" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>` +
    `<xf numFmtId="0" fontId="4" fillId="3" borderId="0" xfId="0" applyFont="1" applyFill="1"/>` +
    `</cellXfs>` +
    `<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
    `</styleSheet>`
  );
})();

/** A workbook whose sheets are written to files in `dir` and packed into a ZIP at the end. */
export class Workbook {
  readonly sheets: Sheet[] = [];
  /** The shared strings: a fixed set, given up front, each with its index. */
  readonly shared: ReadonlyMap<string, number>;
  private readonly files: DeflatedFile[] = [];
  private parts = 0;

  constructor(
    readonly dir: string,
    readonly options: { title?: string; creator?: string; maxRows?: number; level?: number; sharedStrings?: Iterable<string> } = {},
  ) {
    const shared = new Map<string, number>();
    for (const text of options.sharedStrings ?? []) if (!shared.has(text) && text.length <= MAX_TEXT) shared.set(text, shared.size);
    this.shared = shared;
  }

  get maxRows(): number {
    return Math.min(this.options.maxRows ?? MAX_ROWS, MAX_ROWS);
  }

  get level(): number {
    return this.options.level ?? 6;
  }

  /** The last inline strings written, as byte strings: a report's organ is on each of its rows. */
  private inlined = new Map<string, string>();

  /** A text cell's `<is>` element as a byte string (bytes.ts). */
  inline(text: string): string {
    let xml = this.inlined.get(text);
    if (xml === undefined) {
      if (this.inlined.size >= 1024) this.inlined = new Map();
      this.inlined.set(text, (xml = utf8Bytes(inlineString(text))));
    }
    return xml;
  }

  nextPartId(): number {
    return ++this.parts;
  }

  track(file: DeflatedFile): void {
    this.files.push(file);
  }

  /** A sheet, in workbook order (the order sheets are asked for, whenever they are written). */
  sheet(spec: SheetSpec): Sheet {
    const sheet = new Sheet(this, spec);
    this.sheets.push(sheet);
    return sheet;
  }

  /** Ends every sheet and writes the package. */
  async write(zip: ZipWriter): Promise<void> {
    const parts: FinishedPart[] = [];
    for (const sheet of this.sheets) parts.push(...(await sheet.end()));
    const created = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const overrides = parts.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join("");
    await zip.addBuffer(
      "[Content_Types].xml",
      `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
        `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
        `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
        `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>` +
        `<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
        `${overrides}</Types>`,
    );
    await zip.addBuffer(
      "_rels/.rels",
      `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        `<Relationship Id="rId1" Type="${NS_REL}/officeDocument" Target="xl/workbook.xml"/>` +
        `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
        `</Relationships>`,
    );
    await zip.addBuffer(
      "docProps/core.xml",
      `${XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
        (this.options.title ? `<dc:title>${escapeText(this.options.title)}</dc:title>` : "") +
        `<dc:creator>${escapeText(this.options.creator ?? "")}</dc:creator>` +
        `<dcterms:created xsi:type="dcterms:W3CDTF">${created}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${created}</dcterms:modified>` +
        `</cp:coreProperties>`,
    );
    const quoted = (name: string) => `'${name.replace(/'/g, "''")}'`;
    const absolute = (range: string) => range.replace(/([A-Z]+)(\d+)/g, "$$$1$$$2");
    await zip.addBuffer(
      "xl/workbook.xml",
      `${XML_HEAD}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><bookViews><workbookView activeTab="0"/></bookViews><sheets>` +
        parts.map((p, i) => `<sheet name="${escapeAttribute(p.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("") +
        `</sheets><definedNames>` +
        parts.map((p, i) => `<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">${escapeText(`${quoted(p.name)}!${absolute(p.filter)}`)}</definedName>`).join("") +
        `</definedNames></workbook>`,
    );
    await zip.addBuffer(
      "xl/_rels/workbook.xml.rels",
      `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        parts.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${NS_REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join("") +
        `<Relationship Id="rId${parts.length + 1}" Type="${NS_REL}/styles" Target="styles.xml"/>` +
        `<Relationship Id="rId${parts.length + 2}" Type="${NS_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    );
    await zip.addBuffer("xl/styles.xml", STYLES_XML);
    await zip.addBuffer("xl/sharedStrings.xml", `${XML_HEAD}<sst xmlns="${NS_MAIN}" uniqueCount="${this.shared.size}">${[...this.shared.keys()].map((t) => `<si>${textElement(t)}</si>`).join("")}</sst>`);
    for (const [i, p] of parts.entries()) await zip.addDeflated(`xl/worksheets/sheet${i + 1}.xml`, p.data);
  }

  /** Stops every sheet file and removes it. */
  async discard(): Promise<void> {
    await Promise.all(this.files.map((f) => f.discard()));
  }
}
