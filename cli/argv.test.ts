import { describe, expect, it } from 'vitest';
import { joinCommandWords, rawOptionValues } from './argv.ts';

const NAMES = ['start', 'tasks create', 'tasks get', 'stats'];
const VALUE_FLAGS = new Set(['--url', '--api-key', '--payload']);

describe('joinCommandWords', () => {
  it('joins a group and its action into one command word, wherever the options are', () => {
    expect(joinCommandWords(['tasks', 'get', 'id-1'], NAMES, VALUE_FLAGS)).toEqual(['tasks get', 'id-1']);
    expect(joinCommandWords(['--json', 'tasks', '--url', 'http://x', 'get', 'id-1'], NAMES, VALUE_FLAGS)).toEqual([
      '--json',
      'tasks get',
      '--url',
      'http://x',
      'id-1',
    ]);
    expect(
      joinCommandWords(['--url=http://x', 'tasks', 'create', 'echo', '--payload', '{}'], NAMES, VALUE_FLAGS),
    ).toEqual(['--url=http://x', 'tasks create', 'echo', '--payload', '{}']);
  });

  it('leaves single-word commands, unknown actions and option values alone', () => {
    expect(joinCommandWords(['stats', '--json'], NAMES, VALUE_FLAGS)).toEqual(['stats', '--json']);
    expect(joinCommandWords(['tasks', 'frob', 'x'], NAMES, VALUE_FLAGS)).toEqual(['tasks', 'frob', 'x']);
    expect(joinCommandWords(['--url', 'tasks', 'get'], NAMES, VALUE_FLAGS)).toEqual(['--url', 'tasks', 'get']);
    expect(joinCommandWords(['tasks', '--', 'get'], NAMES, VALUE_FLAGS)).toEqual(['tasks', '--', 'get']);
    expect(joinCommandWords([], NAMES, VALUE_FLAGS)).toEqual([]);
  });
});

describe('rawOptionValues', () => {
  it('keeps values as written, the last one when repeated, in both spellings', () => {
    const values = rawOptionValues(
      ['--idempotency-key', '007', '--payload={"a":1}', '--payload', '{"b":2}', '--json'],
      ['--idempotency-key', '--payload'],
    );
    expect(values).toEqual(
      new Map([
        ['--idempotency-key', '007'],
        ['--payload', '{"b":2}'],
      ]),
    );
  });

  it('has no value for a flag followed by another option or nothing, or after --', () => {
    expect(rawOptionValues(['--limit', '--json'], ['--limit']).size).toBe(0);
    expect(rawOptionValues(['--limit'], ['--limit']).size).toBe(0);
    expect(rawOptionValues(['--', '--limit', '5'], ['--limit']).size).toBe(0);
  });
});
