import type { JsonObject, JsonValue } from '../../core/index.ts';

/** A driver value as JSON: dates as ISO text, bytes as base64, big integers as text. */
export function jsonCell(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(jsonCell);
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const [key, cell] of Object.entries(value)) out[key] = jsonCell(cell);
    return out;
  }
  return String(value);
}

export function jsonRows(rows: readonly unknown[]): JsonObject[] {
  return rows.map((row) => jsonCell(row) as JsonObject);
}
