import { join } from "node:path";
import { writeFileAtomic } from "../store/local.js";

/** Writes DIR/NAME whole or not at all (no partial output file, whatever happens). */
export async function writeAtomic(dir: string, name: string, text: string): Promise<string> {
  const target = join(dir, name);
  await writeFileAtomic(target, text);
  return target;
}

export function toJson(value: unknown, compact: boolean): string {
  return `${JSON.stringify(value, null, compact ? undefined : 2)}\n`;
}
