/**
 * What a JSON document must respect to be stored on every storage (docs/api.md, "Limits"):
 * at most MAX_JSON_DEPTH levels of nested objects and arrays (MariaDB refuses a document
 * deeper than 32 levels, counting scalars; this leaves room), and only well-formed Unicode
 * strings (a lone UTF-16 surrogate has no UTF-8 form, so MySQL cannot store it).
 */
export const MAX_JSON_DEPTH = 20;

/** About the largest result an executor may return, in characters of JSON text. */
export const MAX_RESULT_CHARS = 1024 * 1024;

export interface JsonProblem {
  /** Where, as a client writes it: `payload.items[3].name`. */
  path: string;
  /** What is wrong, without the path: "nests deeper than 20 levels". */
  message: string;
}

export interface JsonCheckOptions {
  maxDepth?: number;
  /** Approximate size budget in characters of JSON text; unlimited when left out. */
  maxChars?: number;
}

interface Frame {
  value: unknown;
  parent: Frame | undefined;
  key: string | number;
  depth: number;
}

/** The path is built only when a problem is found: the walk itself allocates no strings. */
function pathOf(frame: Frame): string {
  const parts: string[] = [];
  for (let f: Frame | undefined = frame; f; f = f.parent) {
    parts.push(typeof f.key === 'number' ? `[${f.key}]` : f.parent ? `.${f.key}` : f.key);
  }
  const path = parts.reverse().join('');
  // A document checked from its root (root name '') reads `tasks[0].payload`, not `.tasks[0]…`.
  return path.startsWith('.') ? path.slice(1) : path;
}

/**
 * The first reason `value` cannot be stored as JSON, or undefined. Iterative, so a hostile
 * document cannot overflow the stack, and it stops at the first problem. Values JSON.stringify
 * would drop or convert (undefined, functions, objects with toJSON such as Dates) are fine;
 * a bigint, which JSON.stringify refuses, is a problem.
 */
export function findJsonProblem(value: unknown, root: string, options: JsonCheckOptions = {}): JsonProblem | undefined {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const maxChars = options.maxChars ?? Number.POSITIVE_INFINITY;
  let chars = 0;
  const stack: Frame[] = [{ value, parent: undefined, key: root, depth: 0 }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const current = frame.value;
    if (typeof current === 'string') {
      if (!current.isWellFormed())
        return { path: pathOf(frame), message: 'is not valid Unicode text (it holds a lone UTF-16 surrogate)' };
      chars += current.length + 2;
    } else if (typeof current === 'bigint') {
      return { path: pathOf(frame), message: 'is a bigint, which JSON cannot hold' };
    } else if (
      typeof current === 'object' &&
      current !== null &&
      typeof (current as { toJSON?: unknown }).toJSON !== 'function'
    ) {
      const depth = frame.depth + 1;
      if (depth > maxDepth)
        return { path: pathOf(frame), message: `nests deeper than ${maxDepth} levels of objects and arrays` };
      if (Array.isArray(current)) {
        chars += 2 + current.length;
        for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], parent: frame, key: i, depth });
      } else {
        chars += 2;
        const keys = Object.keys(current);
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i]!;
          const child: Frame = { value: (current as Record<string, unknown>)[key], parent: frame, key, depth };
          if (!key.isWellFormed())
            return {
              path: pathOf(child),
              message: 'has a key that is not valid Unicode text (a lone UTF-16 surrogate)',
            };
          chars += key.length + 4;
          stack.push(child);
        }
      }
    } else {
      chars += 8;
    }
    if (chars > maxChars) return { path: root, message: `is larger than about ${maxChars} characters of JSON` };
  }
  return undefined;
}

/**
 * `text` made storable in a TEXT column: lone surrogates replaced (U+FFFD), at most `maxChars`
 * characters kept (cut on a code-point boundary) with a marker saying how much was dropped.
 */
export function boundedText(text: string, maxChars: number): string {
  const wellFormed = text.toWellFormed();
  if (wellFormed.length <= maxChars) return wellFormed;
  // The marker is at most 40 characters, so the whole stays within maxChars.
  let end = Math.max(0, maxChars - 40);
  // Do not leave half of a surrogate pair at the cut.
  const last = wellFormed.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${wellFormed.slice(0, end)}… (${wellFormed.length - end} more characters)`;
}

/** error_msg and log messages: short enough for any TEXT column (64 KiB as UTF-8). */
export const MAX_ERROR_MESSAGE_CHARS = 4_000;
/** error_detail (stack traces, response excerpts). */
export const MAX_ERROR_DETAIL_CHARS = 12_000;
