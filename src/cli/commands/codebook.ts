import { parseArgs } from "node:util";
import { codebookCsv, codebookJson, codebookMarkdown } from "../../definition/codebook.js";
import { usageError } from "../errors.js";

export const help = `nianbao codebook [--format md|json|csv]

Prints the codebook, the data dictionary of the record's table cells: every cell path
with its Chinese row and column labels, the template versions that print it, its type
and unit, and the identities (勾稽关系) that hold between the cells. It is derived from
the template definitions, as the record schema is.

Options:
      --format F   md (default), json, or csv (UTF-8 with BOM, for spreadsheets)
`;

const FORMATS = { md: codebookMarkdown, json: codebookJson, csv: codebookCsv } as const;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { format: { type: "string", default: "md" } } });
  const format = values.format as keyof typeof FORMATS;
  if (!(format in FORMATS)) throw usageError(`--format must be md, json or csv, got ${values.format}`);
  process.stdout.write(FORMATS[format]());
  return 0;
}
