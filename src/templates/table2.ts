/** Table 二 · 主动公开政府信息情况 → `activeDisclosure`, in either template version. */
import type { ActiveDisclosure2019, ActiveDisclosure2021 } from "../model/record.js";
import { ACTIVE_DISCLOSURE, type AmountUnit, type TemplateVersion } from "../model/vocabulary.js";
import { ACTIVE_ROW_CUES, ACTIVE_ROW_NAMES, ACTIVE_TEMPLATE_MARKERS, type ActiveRowKey } from "./labels.js";
import { cueHits } from "./_shared/align.js";
import { headerUnit, toWanYuan } from "./_shared/codecs.js";
import { Collector, numberOf } from "./_shared/collector.js";
import { columnAnchors, placeValues } from "./_shared/place.js";
import type { TableRow, ValueCell } from "./_shared/rows.js";
import { closestName, compact } from "./_shared/text.js";

export type ActiveDisclosureResult =
  | { version: "2019"; table: ActiveDisclosure2019 }
  | { version: "2021"; table: ActiveDisclosure2021 };

const ACTIVE_KEYS = Object.keys(ACTIVE_ROW_CUES) as ActiveRowKey[];

/** The row a label names: the cue that ends last (after any header text that preceded it). */
function rowKey(label: string): ActiveRowKey | undefined {
  return cueHits(label, ACTIVE_KEYS, ACTIVE_ROW_CUES).best ?? (label.length >= 3 && label.length <= 14 ? closestName(label, ACTIVE_ROW_NAMES, ACTIVE_KEYS) : undefined);
}

/** The version whose own column headers the table prints; row shapes and the year break ties. */
function detectVersion(header: string, rows: Map<ActiveRowKey, TableRow>, year: number | null): TemplateVersion {
  const hits = (v: TemplateVersion) => ACTIVE_TEMPLATE_MARKERS[v].filter((re) => re.test(header)).length;
  const h19 = hits("2019");
  const h21 = hits("2021");
  if (h19 !== h21) return h19 > h21 ? "2019" : "2021";
  if (rows.has("otherServices") || rows.has("procurement")) return "2019";
  const licensing = rows.get("licensing")?.values.length;
  if (licensing === 3) return "2019";
  if (licensing === 1) return "2021";
  return year !== null && year <= 2020 ? "2019" : "2021";
}

export function parseActiveDisclosure(rows: TableRow[], headerText: string, year: number | null, out: Collector): ActiveDisclosureResult | null {
  const byKey = new Map<ActiveRowKey, TableRow>();
  for (const row of rows) {
    const key = rowKey(compact(row.label));
    if (!key) {
      if (row.values.some((v) => v.reading.kind === "number")) {
        out.issue("UNKNOWN_LABEL", "warning", "activeDisclosure", `a row of table 二 matches no template row: "${row.label}"`);
      }
      continue;
    }
    if (!byKey.has(key)) byKey.set(key, row);
  }
  if (byKey.size < 2) return null;
  const header = compact(headerText);
  const version = detectVersion(header, byKey, year);
  const spec = ACTIVE_DISCLOSURE[version] as Record<string, { label: string; fields: Record<string, string> }>;

  // Rows with the same columns (e.g. the three-column sub-tables) share column positions.
  const anchorsFor = (n: number) =>
    columnAnchors(
      [...byKey.entries()].filter(([k]) => spec[k] && Object.keys(spec[k].fields).length === n).map(([, r]) => r.values),
      n,
    );
  const procurementUnit = headerUnit(/采购总金额[^0-9]{0,12}/.exec(header)?.[0] ?? "");
  const feeUnit = headerUnit(/收费金额[^0-9]{0,12}/.exec(header)?.[0] ?? "") ?? "万元";

  const table: Record<string, Record<string, unknown>> = {};
  for (const [key, { fields }] of Object.entries(spec)) {
    const fieldKeys = Object.keys(fields);
    const record: Record<string, unknown> = Object.fromEntries(fieldKeys.map((f) => [f, f === "amount" ? { value: null, unit: null } : null]));
    table[key] = record;
    const row = byKey.get(key as ActiveRowKey);
    if (!row) {
      out.issue("ROW_MISSING", "error", `activeDisclosure.${key}`, `table 二 row ${key} was not found`);
      continue;
    }
    const placed = placeValues(row.values, fieldKeys.length, anchorsFor(fieldKeys.length));
    if (!placed.ok) {
      out.issue("CELLS_AMBIGUOUS", "error", `activeDisclosure.${key}`, `row "${row.label}": ${placed.reason}; values left null`, {
        actual: row.values.map((v) => v.text).join(" "),
      });
      continue;
    }
    fieldKeys.forEach((field, i) => {
      const cell = placed.cells[i] ?? null;
      const path = `activeDisclosure.${key}.${field}`;
      out.cell(path, cell);
      record[field] = fieldValue(field, cell, { procurementUnit, feeUnit, path, out });
    });
  }
  for (const key of byKey.keys()) {
    if (!spec[key]) out.issue("UNKNOWN_LABEL", "warning", "activeDisclosure", `row ${key} belongs to the other template version than this table's (${version})`);
  }
  return version === "2019"
    ? { version, table: table as unknown as ActiveDisclosure2019 }
    : { version, table: table as unknown as ActiveDisclosure2021 };
}

function fieldValue(
  field: string,
  cell: ValueCell | null,
  ctx: { procurementUnit: AmountUnit | null; feeUnit: AmountUnit; path: string; out: Collector },
): unknown {
  const value = numberOf(cell);
  const unit = cell?.reading.kind === "number" ? cell.reading.unit : null;
  if (field === "amount") return { value, unit: unit ?? ctx.procurementUnit };
  if (field === "amountWanYuan") {
    const printed = unit ?? ctx.feeUnit;
    if (value === null || printed === "万元") return value;
    const converted = Math.round(value * toWanYuan(printed) * 1e6) / 1e6;
    ctx.out.issue("UNIT_CONVERTED", "warning", ctx.path, `fee printed in ${printed}; converted to 万元`, { actual: cell?.text ?? null, expected: converted });
    return converted;
  }
  return value;
}
