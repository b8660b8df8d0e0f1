/** Poll-with-deadline: resolves with the first truthy value of `probe`, or throws at the deadline. */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<NonNullable<T>> {
  const { timeoutMs = 5_000, intervalMs = 10, message = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${message}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
