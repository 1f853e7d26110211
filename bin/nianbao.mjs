#!/usr/bin/env node
// The installed command: runs the compiled CLI (built by `npm run build`, which `npm ci` runs via "prepare").
try {
  await import("../dist/src/cli/index.js");
} catch (error) {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/src/cli/index.js")) {
    process.stderr.write("nianbao: the CLI is not built yet; run `npm run build` (npm ci does this) first\n");
    process.exit(1);
  }
  throw error;
}
