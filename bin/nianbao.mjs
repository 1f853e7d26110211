#!/usr/bin/env node
// The installed command: runs the compiled CLI (built by `npm run build`, which `npm ci` runs via "prepare").
// `extract` runs the same CLI bundled in one file with V8's code cache when that is usable
// (dist/fast, see src/startup/launch.ts); any other command, or any doubt, the modules of dist/src.
const binStart = performance.now();
let launch;
if (process.argv[2] === "extract" || process.env.NIANBAO_TIMINGS === "1") {
  try {
    launch = await import("../dist/src/startup/launch.js");
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
  }
}
if (!launch?.runBundled(process.argv.slice(2), binStart)) {
  try {
    await import("../dist/src/cli/index.js");
  } catch (error) {
    if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/src/cli/index.js")) {
      process.stderr.write("nianbao: the CLI is not built yet; run `npm run build` (npm ci does this) first\n");
      process.exit(1);
    }
    throw error;
  }
}
