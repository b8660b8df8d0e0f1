import { describe, expect, it } from 'vitest';
import { AckBatcher } from './ack-batcher.ts';
import { silentLogger } from '../../../test/helpers/fake-plugin-context.ts';
import { waitFor } from '../../../test/helpers/wait.ts';

describe('AckBatcher', () => {
  it('hands the acks due to a take, and then sends nothing on its own', async () => {
    const sent: string[][] = [];
    const acks = new AckBatcher(async (ids) => void sent.push(ids), 5, silentLogger());
    acks.add(['a']);
    acks.add(['b']);
    expect(acks.takeDue()).toEqual(['a', 'b']);
    expect(acks.takeDue()).toEqual([]);
    await new Promise((r) => setTimeout(r, 30)); // past the delay: the timer must be gone
    expect(sent).toEqual([]);
  });

  it('sends acks no take carried once the delay has passed, in one call', async () => {
    const sent: string[][] = [];
    const acks = new AckBatcher(async (ids) => void sent.push(ids), 5, silentLogger());
    acks.add(['a']);
    acks.add(['b', 'c']);
    await waitFor(() => sent.length > 0, { timeoutMs: 1_000, message: 'the lone ack' });
    expect(sent).toEqual([['a', 'b', 'c']]);
  });

  it('keeps acks whose call failed, in order, for the next take', async () => {
    const logged: unknown[] = [];
    const acks = new AckBatcher(() => Promise.reject(new Error('queue down')), 5, silentLogger(logged));
    acks.add(['b']);
    await acks.flush();
    acks.restore(['a']);
    expect(acks.takeDue()).toEqual(['a', 'b']);
    expect(logged).toHaveLength(1);
  });

  it('sends at once, with what was already due, when told no take will carry them', async () => {
    const sent: string[][] = [];
    const acks = new AckBatcher(async (ids) => void sent.push(ids), 60_000, silentLogger());
    acks.add(['a']);
    acks.add(['b'], true);
    expect(sent).toEqual([['a', 'b']]);
    expect(acks.takeDue()).toEqual([]);
  });
});
