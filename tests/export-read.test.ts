/**
 * The export's reading and writing machinery, against the plain ways it stands in for:
 * a record read around its provenance (or in two parts) is what JSON.parse makes of the
 * whole file, in every layout a record file can have; the spool gives back what was put
 * in; byte strings and the byte writer write what Buffer.from and String() would; the
 * cell walker finds the cells, flags and codes of cellRows.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ByteWriter, ascii, utf8Buffer, utf8Bytes } from "../src/export/formats/bytes.js";
import { compactValue, RawJson, readRecordSync, recordFromParts } from "../src/export/read.js";
import { Spool } from "../src/export/spool.js";
import { cellRows, eachCell } from "../src/export/table.js";
import type { ReportRecord } from "../src/model/record.js";
import { extractFile } from "../src/pipeline.js";
import { FIXTURES, tempDir } from "./helpers.js";

let record: ReportRecord;

beforeAll(async () => {
  record = await extractFile(join(FIXTURES, "jixian-2020.txt"));
  expect(record.provenance).toBeDefined();
}, 60_000);

const withoutProvenance = (r: object) => {
  const { provenance: _, ...rest } = r as { provenance?: unknown };
  return rest;
};

/** Writes `text` to a file and reads it back both ways; also through the parts readRecordSync kept. */
function readBack(text: string) {
  const file = join(tempDir("export-read-"), "r.json");
  writeFileSync(file, text);
  const slim = readRecordSync(file, { provenance: false });
  const again = slim.ok && slim.head ? recordFromParts(Buffer.from(slim.head), slim.tail ? Buffer.from(slim.tail) : null) : undefined;
  return { slim, whole: readRecordSync(file), again };
}

describe("reading a record file", () => {
  it("gives what JSON.parse gives, without its provenance on request, in the store's layout and any other", () => {
    const odd: ReportRecord = structuredClone(record);
    // Text that looks like the members the reader looks for, inside strings (escaped newlines).
    odd.meta.title = 'x,\n  "provenance": {},\n  "extractor": {"version": "9"}';
    odd.issues.push({ code: "TABLE_MISSING", severity: "warning", path: null, message: '"provenance": "extractor":' } as ReportRecord["issues"][number]);
    const layouts = {
      store: (r: object) => `${JSON.stringify(r, null, 2)}\n`,
      compact: (r: object) => JSON.stringify(r),
      tabs: (r: object) => JSON.stringify(r, null, "\t"),
      four: (r: object) => JSON.stringify(r, null, 4),
    };
    for (const r of [record, odd, withoutProvenance(record), { ...withoutProvenance(record), extractor: undefined }]) {
      for (const [name, layout] of Object.entries(layouts)) {
        const text = layout(r);
        const { slim, whole, again } = readBack(text);
        const parsed = JSON.parse(text) as object;
        expect(whole.ok && JSON.stringify(whole.record), name).toBe(JSON.stringify(parsed));
        expect(slim.ok && JSON.stringify(slim.record), name).toBe(JSON.stringify(withoutProvenance(parsed)));
        if (again) expect(again.ok && JSON.stringify(again.record), name).toBe(JSON.stringify(withoutProvenance(parsed)));
      }
    }
    // The store's layout is read around the provenance: the parts kept are a small part of the file.
    const { slim } = readBack(layouts.store(record));
    expect(slim.ok && slim.head!.length).toBeLessThan(layouts.store(record).length / 2);
  });

  it("with a broken provenance: not JSON when it is read, as before; read as before when it is left out", () => {
    const text = `${JSON.stringify(record, null, 2)}\n`;
    const cut = text.indexOf('"raw"', text.indexOf('\n  "provenance": ')) + 3;
    expect(cut).toBeGreaterThan(text.indexOf('\n  "provenance": '));
    const { slim, whole } = readBack(text.slice(0, cut) + text.slice(cut + 40));
    expect(whole.ok).toBe(false);
    expect(!whole.ok && whole.reason).toMatch(/^is not JSON/);
    expect(slim.ok).toBe(true);
    expect(slim.ok && slim.record.meta).toEqual(record.meta);
    const broken = readBack(text.replace('"schemaVersion": 1', '"schemaVersion": 1,,'));
    expect(broken.slim.ok || broken.slim.reason).toMatch(/^is not JSON/);
    expect(broken.whole.ok || broken.whole.reason).toMatch(/^is not JSON/);
  });
});

describe("JSON kept as text (the JSON Lines format's provenance)", () => {
  /**
   * What compactValue makes of a text followed by `\n,` (as a member is followed by the
   * next): the value's text, or null where it takes no value or one that ends before the
   * text does (the reader then refuses what follows, as JSON.parse refuses the whole).
   */
  const compact = (text: string) => {
    const bytes = Buffer.from(`${text}\n,`);
    const done = compactValue(bytes, 0);
    if (!done || bytes.subarray(done.end).toString().trim() !== ",") return null;
    return { json: Buffer.from(done.json.bytes, "latin1").toString("utf8") };
  };
  const parses = (text: string) => {
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  };

  it("is JSON.stringify's text of a value JSON.stringify wrote, indented or not", () => {
    const values: unknown[] = [record.provenance, { a: [1, -2.5, 3e-7, 1e21, 0, -0.25, true, false, null, "x"], b: {}, c: [], "": { "é中\"\\\n\u0001\ud800": "\t" } }, [], {}, 0, "s", null, [[[]]]];
    for (const value of values) {
      for (const indent of [undefined, 2, "\t"]) expect(compact(JSON.stringify(value, null, indent))!.json).toBe(JSON.stringify(value));
    }
  });

  it("takes what JSON.parse takes, to the same value, and nothing it refuses", () => {
    const texts = [
      "1", "-0", "0.5", "1E+2", "1e-2", "-12.30e4", '"\\u00e9\\/"', '{"a" : [ 1 , {"b":null} ] }', "[true,false,null]", '"中文"',
      // refused
      "01", "1.", ".5", "-", "+1", "1e", "1e+", "0x1", "tru", "nul", "[1,]", "[,1]", '{"a":1,}', '{"a" 1}', "{1:2}", '{"a":1 "b":2}', "[1 2]",
      '"\\x"', '"\\u12"', '"\\u12g4"', '"a\u0001b"', '"unterminated', "[1", '{"a":', "]", "}", "", "NaN", "Infinity", "'a'",
    ];
    for (const text of texts) {
      const done = compact(text);
      expect(done !== null, text).toBe(parses(text));
      if (done) expect(JSON.parse(done.json), text).toEqual(JSON.parse(text));
    }
    // Bytes that are not UTF-8, and nesting past its depth: left to JSON.parse (null), never taken wrongly.
    expect(compactValue(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22, 0x2c]), 0)).toBeNull();
    expect(compact(`${"[".repeat(100)}${"]".repeat(100)}`)).toBeNull();
  });

  it("never takes a corrupted text: one byte changed anywhere gives null or what JSON.parse gives", () => {
    const text = JSON.stringify({ provenance: record.provenance, n: [1.5, -2, "a\"b"] }, null, 2).slice(0, 4000);
    const whole = JSON.stringify({ a: [1.5, -2, { b: "x\"y" }], c: null, d: true }, null, 2);
    for (const base of [whole, `${text.slice(0, text.lastIndexOf("\n"))}}}`]) {
      for (let at = 0; at < base.length; at++) {
        for (const by of ["", "x", "1", '"', "}", "\\", ","]) {
          const changed = base.slice(0, at) + by + base.slice(at + 1);
          const done = compact(changed);
          if (done) expect(JSON.parse(done.json)).toEqual(JSON.parse(changed));
          else if (parses(changed) && changed.trim() !== "") expect.fail(`refused valid JSON: ${changed}`);
        }
      }
    }
  });

  it("a record read with its provenance as text is written as JSON.stringify writes it; other layouts are parsed", () => {
    for (const text of [`${JSON.stringify(record, null, 2)}\n`, JSON.stringify(record)]) {
      const file = join(tempDir("export-raw-"), "r.json");
      writeFileSync(file, text);
      const read = readRecordSync(file, { provenance: "text" });
      expect(read.ok).toBe(true);
      const got = read.ok ? read.record : undefined;
      expect(Object.keys(got!)).toEqual(Object.keys(record));
      const provenance = (got as unknown as { provenance: unknown }).provenance;
      if (provenance instanceof RawJson) expect(Buffer.from(provenance.bytes, "latin1").toString()).toBe(JSON.stringify(record.provenance));
      else expect(provenance).toEqual(record.provenance);
      expect(provenance instanceof RawJson).toBe(text.includes("\n  "));
    }
  });
});

describe("the spool", () => {
  it("gives back every piece put in, small and larger than its buffer, and leaves no file behind", async () => {
    const dir = tempDir("export-spool-");
    const spool = new Spool(dir);
    const pieces = [Buffer.from("head"), Buffer.alloc(3 << 20, 7), Buffer.from("中文 record"), Buffer.alloc(700_000, 1)];
    const at = pieces.map((p, i) => spool.add(p, i % 2 ? Buffer.from("tail") : null));
    spool.flush();
    pieces.forEach((p, i) => expect(spool.read(at[i]!, p.length + (i % 2 ? 4 : 0)).equals(Buffer.concat([p, ...(i % 2 ? [Buffer.from("tail")] : [])]))).toBe(true));
    spool.close();
    expect((await import("node:fs")).readdirSync(dir)).toEqual([]);
  });
});

describe("bytes", () => {
  it("byte strings and buffers are the UTF-8 of the text, lone surrogates included", () => {
    for (const text of ["ascii", "第12号县人民政府 (万元)", "a\ud800b", "\udc00", "😀", ""]) {
      expect(Buffer.from(utf8Bytes(text), "latin1").equals(Buffer.from(text))).toBe(true);
      expect(utf8Buffer(text).equals(Buffer.from(text))).toBe(true);
    }
  });

  it("the byte writer writes what String() and the pieces say, in chunks of its size", () => {
    const chunks: Buffer[] = [];
    const writer = new ByteWriter(64, (bytes, done) => {
      chunks.push(Buffer.from(bytes));
      done();
    });
    let expected = "";
    const numbers = [0, -0, 7, 10, 99, 100, 2024, -5, 123456789, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1e21, 806.25, -0.5, 1e-7, 0.1 + 0.2, Number.MAX_VALUE];
    for (const n of numbers) {
      writer.number(n);
      writer.bytes(ascii(","));
      expected += `${String(n)},`;
    }
    const text = utf8Bytes("第12号县人民政府");
    writer.latin(text);
    writer.latin("x".repeat(200));
    writer.flush();
    expected += `第12号县人民政府${"x".repeat(200)}`;
    expect(Buffer.concat(chunks).toString("utf8")).toBe(expected);
    expect(chunks.every((c) => c.length <= 200)).toBe(true);
  });
});

describe("the cell walker", () => {
  it("finds the cells, values, flags and codes of cellRows, in its order", () => {
    const flagged: ReportRecord = structuredClone(record);
    flagged.issues.push(
      ...([
        { code: "IDENTITY_ROW_TOTAL", severity: "error", path: "applications.granted", message: "m" },
        { code: "TABLE_MISSING", severity: "error", path: "reviewLitigation", message: "m" },
        { code: "OCR_UNCERTAIN", severity: "warning", path: "activeDisclosure.fees.amountWanYuan", message: "m" },
        { code: "IDENTITY_OUTCOMES", severity: "info", path: "applications.granted.total", message: "m" },
      ] as ReportRecord["issues"]),
    );
    for (const r of [record, flagged]) {
      const row = { record: r, organKey: "k", sources: [] };
      const walked: unknown[] = [];
      eachCell(r, (cell, value, codes) => walked.push({ path: cell.entry.path, value, flagged: codes !== null, codes: codes ?? [] }));
      expect(walked).toEqual(cellRows(row).map((c) => ({ path: c.path, value: c.value, flagged: c.flagged, codes: c.issueCodes })));
    }
  });
});
