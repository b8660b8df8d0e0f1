import { describe, expect, it } from 'vitest';
import type { Plugin } from './plugin.ts';
import { startOrder } from './plugin-order.ts';

const plugin = (name: string, provides: Plugin['provides'] = [], requires: Plugin['requires'] = []): Plugin => ({
  name,
  provides,
  requires,
});

describe('plugin order', () => {
  it('starts providers before the plugins that require their ports', () => {
    const api = plugin('api', [], ['storage']);
    const storage = plugin('storage', ['storage']);
    const queue = plugin('queue', ['queue', 'coordination']);
    expect(startOrder([api, queue, storage]).map((p) => p.name)).toEqual(['storage', 'api', 'queue']);
  });
});
