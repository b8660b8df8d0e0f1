import { describe, expect, it } from 'vitest';
import type { Plugin } from './plugin.ts';
import { checkPlugins } from './plugin-validation.ts';

const plugin = (name: string, provides: Plugin['provides'] = [], requires: Plugin['requires'] = []): Plugin => ({
  name,
  provides,
  requires,
});

describe('plugin validation', () => {
  it('refuses a port provided twice', () => {
    expect(() =>
      checkPlugins([plugin('a', ['storage']), plugin('b', ['storage']), plugin('q', ['queue', 'coordination'])]),
    ).toThrow('port "storage" is provided by both "a" and "b"; keep one');
  });
});
