import type { TaskConfigRow, TaskLogRow, TaskRow, WorkerRow } from '../../lib/sql-storage/database.ts';

/**
 * PostgreSQL stores no U+0000 in text or jsonb (22021 / 22P05), yet every storage must give
 * back any well-formed Unicode exactly (the storage contract), and an executor's error text
 * holding a NUL must not leave its task stuck. So text and JSON are written through a
 * reversible escape: U+E000 (a private-use character) followed by `0` stands for U+0000, and
 * followed by `1` for U+E000 itself. Reads undo it. Both directions cost one `includes` scan
 * when neither character is there, which is always in practice.
 */
const NUL = '\u0000';
const ESC = '\uE000';
const ESCAPED = /\uE000([01])/g;
/** `\u0000` as JSON.stringify writes a NUL, not preceded by an escaping backslash. */
const JSON_NUL = /(?<!\\)((?:\\\\)*)\\u0000/g;

export function encodeText<T extends string | null>(text: T): T {
  if (text === null || (!text.includes(NUL) && !text.includes(ESC))) return text;
  return text.replaceAll(ESC, `${ESC}1`).replaceAll(NUL, `${ESC}0`) as T;
}

export function decodeText<T extends string | null>(text: T): T {
  if (text === null || !text.includes(ESC)) return text;
  return text.replace(ESCAPED, (_, digit: string) => (digit === '0' ? NUL : ESC)) as T;
}

/** JSON text as JSON.stringify writes it (a NUL only ever as the escape `\u0000`; U+E000 as is). */
export function encodeJsonText(json: string): string {
  if (!json.includes('\\u0000') && !json.includes(ESC)) return json;
  return json.replaceAll(ESC, `${ESC}1`).replace(JSON_NUL, `$1${ESC}0`);
}

/** JSON text as PostgreSQL returns jsonb (U+E000 unescaped), with the NULs back as `\u0000`. */
export function decodeJsonText<T extends string | null>(json: T): T {
  if (json === null || !json.includes(ESC)) return json;
  return json.replace(ESCAPED, (_, digit: string) => (digit === '0' ? '\\u0000' : ESC)) as T;
}

const escaped = (text: string | null): boolean => text?.includes(ESC) === true;

/** The row itself when nothing in it is escaped (the hot path: no copy). */
export function decodeTaskRow(row: TaskRow): TaskRow {
  if (!escaped(row.payload) && !escaped(row.result) && !escaped(row.error_msg) && !escaped(row.progress)) return row;
  return {
    ...row,
    payload: decodeJsonText(row.payload),
    result: decodeJsonText(row.result),
    error_msg: decodeText(row.error_msg),
    progress: decodeJsonText(row.progress),
  };
}

export function decodeLogRow(row: TaskLogRow): TaskLogRow {
  return { ...row, message: decodeText(row.message), error_detail: decodeText(row.error_detail) };
}

export function decodeTaskConfigRow(row: TaskConfigRow): TaskConfigRow {
  return { ...row, description: decodeText(row.description), executor_config: decodeJsonText(row.executor_config) };
}

export function decodeWorkerRow(row: WorkerRow): WorkerRow {
  return { ...row, supported_types: decodeJsonText(row.supported_types) };
}
