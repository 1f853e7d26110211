/**
 * Build step after tsc (`npm run build`, run by `npm ci` through "prepare"): bundles the
 * compiled CLI (dist/src/cli/index.js) into one CommonJS file, dist/fast/cli.cjs, for
 * the fast start of `extract` (src/startup/launch.ts), records what it was made from
 * in dist/fast/manifest.json, and makes V8's code cache for it by extracting fixtures.
 *
 * esbuild (a devDependency) does the bundling: it follows the ES-module graph,
 * including pdf.js and zod, rewrites it as CommonJS (which V8's code cache, unlike
 * Node 20's ES-module loader, can serve) and keeps the modules' lazy evaluation, so a
 * dynamic import still evaluates its module only when reached.
 *
 * Packages that a text-layer PDF does not need, that carry native code, or that find
 * files beside their own modules stay outside the bundle and are required from
 * node_modules when reached: every dependency except those listed in BUNDLED.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { Script } from "node:vm";
import { build } from "esbuild";
import ts from "typescript";
import { FAST_DIR as FAST, PROJECT_ROOT as ROOT, type Manifest } from "./launch.js";

const ENTRY = join(ROOT, "dist/src/cli/index.js");
/** Dependencies bundled: what `extract` of a PDF, HTML or text file loads. */
const BUNDLED = new Set(["pdfjs-dist", "zod", "pino", "parse5"]);
/**
 * The fixtures the cache is made from, in one process: a text-layer PDF, one with CMaps,
 * an HTML page and a text file, so that the functions each kind of input runs are in it.
 * (Absent in a Docker build: the first successful extract writes the cache then.)
 */
const TRAINING = ["chengjiang-2022.pdf", "minghu-2021-cmap.pdf", "yunxi-2023.html", "qinghe-2020.txt"].map((f) => join(ROOT, "fixtures/generated", f));

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
const external = Object.keys(pkg.dependencies).filter((name) => !BUNDLED.has(name));

rmSync(FAST, { recursive: true, force: true });
mkdirSync(FAST, { recursive: true });
const bundle = join(FAST, "cli.cjs");
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: [ENTRY],
  outfile: bundle,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external,
  // Function and class names stay what they are in dist/src (code compares some, e.g. pdf.js's TextState).
  keepNames: true,
  // Minified (whitespace, syntax, local names): 5.7 MB → 2.8 MB to read and hold as a
  // string each start, ~40 ms of a fresh extract's ~700 (records unchanged: startup.test.ts).
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: true,
  // import() becomes require(): V8's code cache drops the callback Node 20 needs for import() in a vm.Script.
  supported: { "dynamic-import": false },
  // Modules that find files from their own URL (package.json, pdf.js's CMaps, the OCR models) resolve from the bundle's.
  define: { "import.meta.url": "__nianbaoBundleUrl" },
  // "use strict" first: the bundle runs in strict mode as its ES modules do (see sloppyInputs()).
  banner: { js: '"use strict";\nvar __nianbaoBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  legalComments: "eof",
  metafile: true,
  logLevel: "warning",
});

/**
 * esbuild escapes non-ASCII characters except in regular expressions (the templates'
 * Chinese labels) and comments. Escaped there too, the bundle is ASCII and the launcher
 * reads it as latin1, one byte per character: ~15 ms less for a fresh process than
 * decoding UTF-8 into a two-byte string. `\uXXXX` for each UTF-16 unit means the same
 * in a string, in a regular expression (with or without the u flag) and in a comment;
 * after an odd run of backslashes (an identity escape: `\第` is `第`) the escaping
 * backslash goes. TypeScript's parser says where each character is: one anywhere else
 * (a template literal, whose raw text would change, an identifier, a line separator),
 * or a bundle that no longer compiles, and the bundle stays UTF-8.
 */
function asciiOnly(code: string): string | null {
  const safe: [number, number][] = [];
  let unsafe = false;
  const source = ts.createSourceFile("cli.cjs", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  // Walked with a stack of its own: minified code nests deep enough to overflow a recursive walk.
  const pending: ts.Node[] = [source];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (ts.isRegularExpressionLiteral(node) || ts.isStringLiteral(node)) safe.push([node.getStart(source), node.end]);
    else if (ts.isTemplateLiteralToken(node) || ts.isIdentifier(node) || ts.isPrivateIdentifier(node) || ts.isJsxText(node)) {
      if (/[\u0080-\uffff]/.test(node.getText(source))) unsafe = true;
    } else
      ts.forEachChild(node, (child) => {
        pending.push(child);
      });
  }
  if (unsafe || /[\u2028\u2029]/.test(code)) return null;
  safe.sort((a, b) => a[0] - b[0]);
  let next = 0;
  const inLiteral = (at: number) => {
    while (next < safe.length && safe[next]![1] <= at) next++;
    return next < safe.length && safe[next]![0] <= at;
  };
  const escaped = code.replace(/(\\*)([\u0080-\uffff])/g, (match: string, slashes: string, unit: string, at: number) => {
    const escape = `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`;
    if (!inLiteral(at + slashes.length)) return slashes + escape; // a comment: the backslashes are text
    return slashes.length % 2 === 1 ? slashes.slice(1) + escape : slashes + escape;
  });
  try {
    new Script(escaped, { filename: "cli.cjs" });
  } catch {
    return null;
  }
  return escaped;
}

/**
 * The bundle is strict-mode code throughout, CommonJS modules included; Node runs a
 * CommonJS file without "use strict" in sloppy mode. Such a file would behave the same
 * only if strict mode changes nothing for it: those reviewed for that are listed here,
 * and any other one leaves the bundle unused (no manifest: the normal path runs).
 */
const REVIEWED_SLOPPY = new Set(["node_modules/pino/lib/constants.js"]); // const declarations and module.exports only
function sloppyInputs(inputs: Record<string, { format?: string }>): string[] {
  return Object.entries(inputs)
    .filter(([file, input]) => input.format === "cjs" && file.endsWith(".js"))
    .filter(([file]) => !/^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/|#![^\n]*\n)*["']use strict["']/.test(readFileSync(resolve(ROOT, file), "utf8")))
    .map(([file]) => relative(ROOT, resolve(ROOT, file)).replace(/^(\.\.\/)+.*?node_modules\//, "node_modules/"))
    .filter((file) => !REVIEWED_SLOPPY.has(file));
}

const sloppy = sloppyInputs(result.metafile.inputs);
if (sloppy.length > 0) {
  process.stderr.write(`nianbao build: no fast start: these CommonJS modules are not strict mode and would run as such in the bundle: ${sloppy.join(", ")}\n`);
  rmSync(FAST, { recursive: true, force: true });
  process.exit(0);
}

const original = readFileSync(bundle, "utf8");
let ascii: string | null = null;
try {
  ascii = asciiOnly(original);
} catch (error) {
  // TypeScript's parser is recursive too: a bundle it cannot walk stays UTF-8 (read as such).
  process.stderr.write(`nianbao build: the bundle stays UTF-8 (${error instanceof Error ? error.message : String(error)})\n`);
}
if (ascii !== null) writeFileSync(bundle, ascii);

const entry = (file: string): [string, number, number] => {
  const stat = statSync(resolve(ROOT, file));
  return [relative(ROOT, resolve(ROOT, file)), stat.size, stat.mtimeMs];
};
const manifest: Manifest = { format: 1, encoding: ascii === null ? "utf8" : "latin1", bundle: entry(bundle), inputs: Object.keys(result.metafile.inputs).sort().map(entry) };
writeFileSync(join(FAST, "manifest.json"), `${JSON.stringify(manifest)}\n`);

if (TRAINING.every((file) => existsSync(file))) {
  // A fresh process through the installed command: it writes the cache when it exits.
  const run = spawnSync(process.execPath, [join(ROOT, "bin/nianbao.mjs"), "extract", ...TRAINING], {
    env: { ...process.env, LOG_LEVEL: "silent", NIANBAO_FAST: "1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const made = readdirSync(FAST).filter((f) => f.endsWith(".v8cache"));
  if (run.status !== 0 || made.length === 0) {
    process.stderr.write(`nianbao build: no code cache made (exit ${run.status}); the first extract will make it\n`);
  }
}
process.stdout.write(`nianbao build: dist/fast/cli.cjs (${(statSync(bundle).size / 1e6).toFixed(1)} MB, ${manifest.inputs.length} modules)\n`);
