import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * The hot statements (a create, a batch of transitions, of progress) start with this comment.
 * Their text is fixed (every value is a parameter), so each connection parses and plans them
 * once as named prepared statements instead of at every call: planning one of these CTEs
 * costs about as much as running it for a batch of ten.
 */
export const PREPARE = '/* tm:prepared */';

const names = new Map<string, string>();

function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `tm_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
}

type Query = (config: unknown, values?: unknown, callback?: unknown) => unknown;

/**
 * Makes every client of `pool` send the marked statements by name. kysely calls
 * `client.query(text, values)`; pg keeps the prepared statements of each connection and
 * re-parses on a new one by itself.
 */
export function prepareMarkedStatements(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as Query;
    (client as unknown as { query: Query }).query = (config, values, callback) =>
      typeof config === 'string' && config.startsWith(PREPARE)
        ? query({ name: nameOf(config), text: config, values }, callback)
        : query(config, values, callback);
  });
}
