import { InvalidParameterError, InvalidStateError } from './errors.ts';

export const TaskStatus = {
  PENDING: 'PENDING',
  PROCESSING: 'PROCESSING',
  SUCCESS: 'SUCCESS',
  FAILED: 'FAILED',
  TIMEOUT: 'TIMEOUT',
  CANCELLED: 'CANCELLED',
} as const;
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

export const ALL_STATUSES: readonly TaskStatus[] = Object.values(TaskStatus);

/**
 * The transition table of docs/design.md#state-machine, the single authority on which edges exist.
 * Every write of a status goes through `assertTransition` (services) and a guard on the
 * expected status (storage), so two racing actors cannot both win.
 */
const ALLOWED: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  PENDING: ['PROCESSING', 'CANCELLED'],
  PROCESSING: ['SUCCESS', 'FAILED', 'TIMEOUT', 'CANCELLED', 'PENDING'],
  FAILED: ['PENDING'],
  TIMEOUT: ['PENDING'],
  SUCCESS: [],
  CANCELLED: [],
};

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** Checks a path of edges, e.g. PROCESSING → FAILED → PENDING for a retry written in one step. */
export function assertTransition(from: TaskStatus, to: TaskStatus, via?: TaskStatus): void {
  const path = via === undefined ? [from, to] : [from, via, to];
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1] as TaskStatus;
    const b = path[i] as TaskStatus;
    if (!canTransition(a, b)) {
      throw new InvalidStateError(`invalid transition ${a} → ${b}`, { from: a, to: b });
    }
  }
}

export function isTaskStatus(value: unknown): value is TaskStatus {
  return typeof value === 'string' && (ALL_STATUSES as readonly string[]).includes(value);
}

/** SUCCESS and CANCELLED never change again; FAILED/TIMEOUT only through a retry. */
export function isTerminalStatus(status: TaskStatus): boolean {
  return status === 'SUCCESS' || status === 'CANCELLED';
}

export function isFinishedStatus(status: TaskStatus): boolean {
  return status === 'SUCCESS' || status === 'CANCELLED' || status === 'FAILED' || status === 'TIMEOUT';
}

/**
 * A status filter as clients write it, "PENDING" or "PENDING,PROCESSING" (upper case, as
 * the statuses are named everywhere); undefined for an empty filter.
 */
export function parseStatusList(text: string, field = 'status'): TaskStatus[] | undefined {
  if (text.trim() === '') return undefined;
  const statuses = text.split(',').map((part) => part.trim());
  const bad = statuses.find((status) => !isTaskStatus(status));
  if (bad !== undefined) {
    throw new InvalidParameterError(
      `invalid parameter ${field}: must be a comma-separated list of ${ALL_STATUSES.join(', ')}`,
      {
        field,
        value: bad,
      },
    );
  }
  return [...new Set(statuses)] as TaskStatus[];
}
