import { InvalidParameterError } from '../../core/index.ts';

/** The (created_at, task_id) of the last row of a page: the next page starts strictly after it. */
export interface ListCursor {
  createdAt: Date;
  taskId: string;
}

/** Opaque to callers: base64url JSON `{ c: created_at ms, id: task_id }`, as every storage writes it. */
export function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify({ c: cursor.createdAt.getTime(), id: cursor.taskId }), 'utf8').toString(
    'base64url',
  );
}

export function decodeCursor(text: string): ListCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalidCursor();
  const { c, id } = parsed as { c?: unknown; id?: unknown };
  if (typeof c !== 'number' || !Number.isFinite(c) || typeof id !== 'string') throw invalidCursor();
  return { createdAt: new Date(c), taskId: id };
}

function invalidCursor(): InvalidParameterError {
  return new InvalidParameterError('invalid cursor', { field: 'cursor' });
}
