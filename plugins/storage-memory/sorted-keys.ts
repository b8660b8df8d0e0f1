/** A point in an ordering by time, ties broken by id (the shape of a (created_at, task_id) index). */
export interface TimeKey {
  readonly ms: number;
  readonly id: string;
}

export function compareTimeKeys(a: TimeKey, b: TimeKey): number {
  if (a.ms !== b.ms) return a.ms - b.ms;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** First index in `keys[from..]` whose key is >= `key` (keys sorted ascending). */
export function lowerBound(keys: readonly TimeKey[], key: TimeKey, from = 0): number {
  let lo = from;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareTimeKeys(keys[mid] as TimeKey, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Inserts keeping the order. Keys mostly arrive in time order (tasks are created "now"),
 * so the common case is an O(1) append; out-of-order keys pay a binary search and a splice.
 */
export function insertSorted(keys: TimeKey[], key: TimeKey, from = 0): void {
  const last = keys[keys.length - 1];
  if (last === undefined || compareTimeKeys(last, key) <= 0) {
    keys.push(key);
    return;
  }
  keys.splice(lowerBound(keys, key, from), 0, key);
}
