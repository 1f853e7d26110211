/** One temporary root for the whole run, removed at the end (workers may not run exit handlers). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "nianbao-tests-"));
  process.env.NIANBAO_TEST_TMP = root;
  return () => rmSync(root, { recursive: true, force: true });
}
