/**
 * Polls until `check` returns (or resolves to) a truthy value, or stops
 * throwing, and returns it; for tests driving the asynchronous controllers
 * without timing assertions.
 */
export async function waitFor<T>(
  check: () =>
    | T
    | undefined
    | false
    | null
    | Promise<T | undefined | false | null>,
  { timeoutMs = 10_000, intervalMs = 5, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for ${what}${lastError ? `: ${lastError}` : ''}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
}
