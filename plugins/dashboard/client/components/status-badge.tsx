import type { TaskStatus } from '../types.ts';

/** A status as a fixed-width label: the colour helps, the text carries the meaning. */
export function StatusBadge({ status }: { status: TaskStatus | string }) {
  return <span class={`badge status-${status.toLowerCase()}`}>{status}</span>;
}
