import { InvalidParameterError } from '../../core/index.ts';
import type { TimeKey } from './sorted-keys.ts';

/**
 * Keyset cursor: the (created_at, task_id) of the last row of a page, base64url JSON.
 * Opaque to callers; the next page starts strictly after (older than) this key.
 */
export function encodeCursor(key: TimeKey): string {
  return Buffer.from(JSON.stringify({ c: key.ms, id: key.id }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): TimeKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalidCursor();
  const { c, id } = parsed as { c?: unknown; id?: unknown };
  if (typeof c !== 'number' || !Number.isFinite(c) || typeof id !== 'string') throw invalidCursor();
  return { ms: c, id };
}

function invalidCursor(): InvalidParameterError {
  return new InvalidParameterError('invalid cursor', { field: 'cursor' });
}
