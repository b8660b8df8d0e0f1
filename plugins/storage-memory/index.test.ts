import { describe, expect, it } from 'vitest';
import { TOKENS, type PluginContext } from '../../core/index.ts';
import { memoryStorage, MemoryStorage } from './index.ts';

describe('memoryStorage()', () => {
  it('provides the storage port in setup', async () => {
    const provided = new Map<symbol, unknown>();
    const ctx = {
      clock: { now: () => new Date(0) },
      provide: (token: symbol, value: unknown) => provided.set(token, value),
    } as unknown as PluginContext;
    const plugin = memoryStorage();

    expect(plugin.name).toBe('storage-memory');
    expect(plugin.provides).toEqual(['storage']);
    await plugin.setup?.(ctx);
    expect(provided.get(TOKENS.Storage)).toBeInstanceOf(MemoryStorage);
  });
});
