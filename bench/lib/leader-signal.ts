import type { TaskManager } from './our-core.ts';
import { nowMs } from './stats.ts';

/** When this app last emitted `leader_elected` (performance.now() ms; 0 = not yet). */
export function leaderSignal(app: TaskManager): { electedAt: () => number; off: () => void } {
  let at = 0;
  const off = app.events.on('leader_elected', () => {
    at = nowMs();
  });
  return { electedAt: () => at, off };
}
