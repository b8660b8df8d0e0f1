const MAX_ATTEMPTS = 4;

/**
 * Runs a whole transaction again when the database rolled it back for a reason a second
 * attempt can get past (`retryable`: a deadlock, a lock wait timeout, a serialization failure,
 * a concurrent insert of the same key): the next attempt reads the committed state and
 * decides again. Each attempt must start from scratch. Which errors qualify is the dialect's
 * business (each plugin's errors.ts).
 */
export async function retryTransaction<T>(
  attempt: () => Promise<T>,
  retryable: (error: unknown) => boolean,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= MAX_ATTEMPTS || !retryable(error)) throw error;
      // A short, growing, jittered pause lets the other transaction commit first.
      await new Promise((resolve) => setTimeout(resolve, n * 5 + Math.random() * 10));
    }
  }
}
