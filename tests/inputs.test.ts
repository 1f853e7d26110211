/** What ingest reads: directories, globs and zip archives, with the archive checks. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectInputs, DEFAULT_LIMITS, isProblem, unsafeEntryName, type Input, type InputProblem } from "../src/queue/inputs.js";
import { FIXTURES, tempDir } from "./helpers.js";
import { zip } from "../scripts/fixtures/zip.js";

async function collect(args: string[], limits = DEFAULT_LIMITS): Promise<{ inputs: Input[]; problems: InputProblem[] }> {
  const inputs: Input[] = [];
  const problems: InputProblem[] = [];
  for await (const x of collectInputs(args, limits)) (isProblem(x) ? problems : inputs).push(x as never);
  return { inputs, problems };
}

describe("collectInputs", () => {
  const dir = tempDir("inputs-");
  const seed = readFileSync(join(FIXTURES, "jixian-2020.txt"));
  mkdirSync(join(dir, "sub/deeper"), { recursive: true });
  writeFileSync(join(dir, "a.txt"), seed);
  writeFileSync(join(dir, "sub/b.html"), "<p>b</p>");
  writeFileSync(join(dir, "sub/deeper/c.pdf"), "%PDF-1.4");
  writeFileSync(join(dir, "sub/.hidden"), "x");

  it("walks directories recursively, skipping dotfiles, in a stable order", async () => {
    const { inputs, problems } = await collect([dir]);
    expect(inputs.map((i) => i.name)).toEqual(["a.txt", "b.html", "c.pdf"]);
    expect(problems).toEqual([]);
  });

  it("expands globs and reports what matches nothing or does not exist", async () => {
    const { inputs, problems } = await collect([join(dir, "**/*.{pdf,html}"), join(dir, "*.docx"), join(dir, "missing.txt")]);
    expect(inputs.map((i) => i.name)).toEqual(["b.html", "c.pdf"]);
    expect(problems.map((p) => p.reason)).toEqual(["the pattern matches no file", "no such file or directory"]);
  });

  it("reads zip archives entry by entry and refuses unsafe or oversized entries and zip bombs", async () => {
    const archive = join(dir, "batch.zip");
    writeFileSync(
      archive,
      zip([
        { name: "reports/2020.txt", data: seed },
        { name: "../evil.txt", data: Buffer.from("escape") },
        { name: "/etc/passwd", data: Buffer.from("abs") },
        { name: "bomb.txt", data: Buffer.alloc(5_000_000) },
        { name: Buffer.from([0xc4, 0xea, 0xb1, 0xa8, 0x2e, 0x74, 0x78, 0x74]), data: seed, utf8: false }, // "年报.txt" in GBK
      ]),
    );
    const { inputs, problems } = await collect([archive]);
    expect(inputs.map((i) => i.name)).toEqual(["batch.zip!reports/2020.txt", "batch.zip!年报.txt"]);
    expect(Buffer.from(inputs[0]!.bytes).equals(seed)).toBe(true);
    expect(problems).toEqual([
      { name: "batch.zip!../evil.txt", reason: 'refused: a ".." path segment' },
      { name: "batch.zip!/etc/passwd", reason: "refused: an absolute path" },
      { name: "batch.zip!bomb.txt", reason: expect.stringMatching(/compression ratio \d+:1 looks like a zip bomb/) },
    ]);
    const small = await collect([archive], { ...DEFAULT_LIMITS, maxBytes: 1000 });
    expect(small.problems.some((p) => p.name === "batch.zip!reports/2020.txt" && /over the limit of 1000/.test(p.reason))).toBe(true);
  });

  it("names unsafe archive paths", () => {
    expect(unsafeEntryName("a/../../b")).toBe('a ".." path segment');
    expect(unsafeEntryName("C:\\x")).toBe("an absolute path");
    expect(unsafeEntryName("ok/name.pdf")).toBeNull();
  });
});
