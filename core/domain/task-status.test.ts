import { describe, expect, it } from 'vitest';
import { InvalidStateError } from './errors.ts';
import { ALL_STATUSES, assertTransition, canTransition, type TaskStatus } from './task-status.ts';

/** The state machine of docs/design.md#state-machine, written out literally: a change to the table in code must fail here. */
const DOCUMENTED_EDGES = `
PENDING    → PROCESSING
PENDING    → CANCELLED
PROCESSING → SUCCESS
PROCESSING → FAILED
PROCESSING → TIMEOUT
PROCESSING → CANCELLED
PROCESSING → PENDING
FAILED     → PENDING
TIMEOUT    → PENDING
`;
const ALLOWED = new Set(
  DOCUMENTED_EDGES.trim()
    .split('\n')
    .map((line) =>
      line
        .split('→')
        .map((s) => s.trim())
        .join('->'),
    ),
);

const allPairs = ALL_STATUSES.flatMap((from) => ALL_STATUSES.map((to) => [from, to] as [TaskStatus, TaskStatus]));

describe('transition table (docs/design.md#state-machine)', () => {
  it('covers six statuses, 36 pairs, 9 allowed edges', () => {
    expect([...ALL_STATUSES].sort()).toEqual(['CANCELLED', 'FAILED', 'PENDING', 'PROCESSING', 'SUCCESS', 'TIMEOUT']);
    expect(allPairs).toHaveLength(36);
    expect(ALLOWED.size).toBe(9);
  });

  it.each(allPairs)('%s → %s is allowed exactly when the documented table lists it', (from, to) => {
    const allowed = ALLOWED.has(`${from}->${to}`);
    expect(canTransition(from, to)).toBe(allowed);
    if (allowed) {
      expect(() => assertTransition(from, to)).not.toThrow();
    } else {
      expect(() => assertTransition(from, to)).toThrow(InvalidStateError);
    }
  });

  it('SUCCESS and CANCELLED have no way out', () => {
    for (const to of ALL_STATUSES) {
      expect(canTransition('SUCCESS', to)).toBe(false);
      expect(canTransition('CANCELLED', to)).toBe(false);
    }
  });

  it('assertTransition with via checks both edges of the path', () => {
    expect(() => assertTransition('PROCESSING', 'PENDING', 'FAILED')).not.toThrow();
    expect(() => assertTransition('PROCESSING', 'PENDING', 'TIMEOUT')).not.toThrow();
    // first edge invalid
    expect(() => assertTransition('PENDING', 'PENDING', 'FAILED')).toThrow(InvalidStateError);
    // second edge invalid
    expect(() => assertTransition('PROCESSING', 'PENDING', 'SUCCESS')).toThrow(/SUCCESS → PENDING/);
    expect(() => assertTransition('PROCESSING', 'SUCCESS', 'FAILED')).toThrow(/FAILED → SUCCESS/);
  });

  it('an invalid transition is a 409 with code 40901', () => {
    try {
      assertTransition('SUCCESS', 'PENDING');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidStateError);
      expect((error as InvalidStateError).code).toBe(40901);
      expect((error as InvalidStateError).httpStatus).toBe(409);
    }
  });
});
