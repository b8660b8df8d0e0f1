import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

const API_DOC = readFileSync(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/api.md'),
  'utf8',
);

/** The "Error codes" table of docs/api.md: product code → HTTP status. */
export const DOCUMENTED_CODES: ReadonlyMap<number, number> = (() => {
  const section = API_DOC.slice(API_DOC.indexOf('## Error codes'), API_DOC.indexOf('## gRPC API'));
  const rows = [...section.matchAll(/^\| (\d{5}) \| (\d{3}) \|/gm)];
  if (rows.length < 8) throw new Error('docs/api.md: the error code table was not found');
  return new Map(rows.map((m) => [Number(m[1]), Number(m[2])]));
})();

/** The gRPC error table of docs/api.md: status name → the product codes it carries. */
export const DOCUMENTED_GRPC: ReadonlyMap<string, number[]> = (() => {
  const section = API_DOC.slice(API_DOC.indexOf('## gRPC API'));
  const rows = [...section.matchAll(/^\| ([A-Z_]+) \| (.+) \|$/gm)];
  if (rows.length < 6) throw new Error('docs/api.md: the gRPC status table was not found');
  return new Map(rows.map((m) => [m[1]!, [...m[2]!.matchAll(/\b(\d{5})\b/g)].map((c) => Number(c[1]))]));
})();

/**
 * A fixed number of runs, seeded: FUZZ_SEED replays a failure (fast-check prints the seed
 * and the shrunk counterexample), FUZZ_RUNS scales every property.
 */
export function fuzzParameters(numRuns: number): fc.Parameters<unknown> {
  const seed =
    process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Date.now() ^ (Math.random() * 0x7fffffff);
  const scale = Number(process.env.FUZZ_RUNS_SCALE ?? 1);
  return {
    seed,
    numRuns: Math.max(1, Math.round(numRuns * scale)),
    endOnFailure: true,
    interruptAfterTimeLimit: 120_000,
  };
}

/** Strings that tend to break things: control characters, lone surrogates, RTL marks, SQL and path tricks, emoji. */
export const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    'a\udc00b',
    '\u202e\u0000',
    "'; DROP TABLE task; --",
    '../../etc/passwd',
    '%00',
    '%ZZ',
    '{"a":1}',
    'NaN',
    '-0',
    '1e400',
    '😀'.repeat(40),
    'x'.repeat(65),
    'x'.repeat(70_000),
    'échéance',
    '\r\nX-Injected: 1',
  ),
);

/** Numbers of every awkward kind, as JSON can carry them. */
export const nastyNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 1, 2, 1.5, -0, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, 604_801, 31_622_401),
);
