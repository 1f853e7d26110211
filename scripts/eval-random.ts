/**
 * Scores random reports (scripts/fixtures/random-reports.ts) in every form the fixture
 * renderers make, extracted in this process. The fixtures test each variation on its
 * own; drawn together at random they meet in combinations no fixture has. Prints, per
 * form, the reports exact, the cells right and the silent wrong ones (wrong and named by
 * no issue), and every silent cell with the seed and form that reproduce it
 * (`--seed S --count 1 --kinds K --keep DIR` writes the input, its truth and its record).
 *
 *   npx tsx scripts/eval-random.ts [--count 100] [--seed 1] [--kinds text,html,pdf,dump,docx,doc,ofd]
 *                                  [--wording] [--keep DIR] [--verbose]
 * Slower kinds, on request: print-ruled, print-borderless (Chromium), wk-ruled, wk-borderless
 * (wkhtmltopdf), scan-200, scan-200-gs, scan-150, scan-200-borderless, scan-200-mono,
 * scan-200-gs-mono (OCR; the last two black and white).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { scorePair, type PairScore } from "../src/eval/score.js";
import { extractReport } from "../src/pipeline.js";
import { closeSharedOcrPool } from "../src/sources/_internal/tesseract.js";
import { truthOf } from "./fixtures/model.js";
import { randomReport, renderRandom, RANDOM_KINDS, SLOW_RANDOM_KINDS, type RandomKind } from "./fixtures/random-reports.js";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "100" },
    seed: { type: "string", default: "1" },
    kinds: { type: "string", default: RANDOM_KINDS.join(",") },
    keep: { type: "string" },
    verbose: { type: "boolean", default: false },
    wording: { type: "boolean", default: false },
  },
});

const KINDS = values.kinds.split(",") as RandomKind[];
const ALL_KINDS = [...RANDOM_KINDS, ...SLOW_RANDOM_KINDS];
for (const k of KINDS) if (!ALL_KINDS.includes(k)) throw new Error(`--kinds: ${k} is not one of ${ALL_KINDS.join(", ")}`);

const start = Number(values.seed);
const count = Number(values.count);
const totals = new Map<RandomKind, { cells: number; correct: number; silent: number; failed: number; reports: number; exact: number }>();
const silentCells: string[] = [];
for (let seed = start; seed < start + count; seed++) {
  const report = randomReport(seed);
  for (const kind of KINDS) {
    const t = totals.get(kind) ?? { cells: 0, correct: 0, silent: 0, failed: 0, reports: 0, exact: 0 };
    totals.set(kind, t);
    t.reports++;
    const input = await renderRandom(report, kind, { wording: values.wording });
    const truth = truthOf(report, { name: input.name, mediaType: "", pages: null, textSource: kind }) as Record<string, unknown>;
    if (values.keep) {
      mkdirSync(values.keep, { recursive: true });
      writeFileSync(join(values.keep, input.name), input.bytes);
      writeFileSync(join(values.keep, `${report.id}-${kind}.truth.json`), `${JSON.stringify(truth, null, 2)}\n`);
    }
    let score: PairScore;
    try {
      const record = await extractReport(input);
      if (values.keep) writeFileSync(join(values.keep, `${report.id}-${kind}.json`), `${JSON.stringify(record, null, 2)}\n`);
      score = scorePair(record as unknown as Record<string, unknown>, truth);
    } catch (error) {
      t.failed++;
      console.log(`seed ${seed} ${kind}: failed: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    t.cells += score.cells;
    t.correct += score.correct;
    t.silent += score.silent;
    if (score.correct === score.cells) t.exact++;
    else if (values.verbose) console.log(`seed ${seed} ${kind}: ${score.wrong.length} wrong (${score.silent} silent), e.g. ${score.wrong.slice(0, 3).map((w) => `${w.path} ${JSON.stringify(w.actual)} for ${JSON.stringify(w.expected)}`).join("; ")}; ${report.notes.slice(1).join("; ")}`);
    for (const w of score.wrong.filter((x) => !x.flagged)) silentCells.push(`seed ${seed} ${kind} ${w.path}: ${JSON.stringify(w.actual)} for ${JSON.stringify(w.expected)}`);
  }
  if ((seed - start + 1) % 10 === 0) process.stderr.write(`${seed - start + 1}/${count}\n`);
}
for (const [kind, t] of totals) {
  console.log(`${kind.padEnd(5)} ${t.exact}/${t.reports} exact, cells ${t.correct}/${t.cells} (${((100 * t.correct) / Math.max(1, t.cells)).toFixed(2)} %), silent ${t.silent}, failed ${t.failed}`);
}
for (const line of silentCells) console.log(`  silent: ${line}`);
// The scans' OCR workers would keep the process alive.
await closeSharedOcrPool();
