import { recordJsonSchema } from "../../model/record.js";

export const help = `nianbao schema

Prints the JSON Schema (draft 2020-12) of the report record.
`;

export async function run(_argv: string[]): Promise<number> {
  process.stdout.write(`${JSON.stringify(recordJsonSchema(), null, 2)}\n`);
  return 0;
}
