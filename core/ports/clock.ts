/** Time and ids are injected so services are deterministic under test (ARCHITECTURE principle 5). */
export interface Clock {
  now(): Date;
}

export type IdGenerator = () => string;

export const systemClock: Clock = { now: () => new Date() };
