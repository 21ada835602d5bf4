/**
 * Retries `check` until it stops throwing or `timeoutMs` passes, then rethrows
 * its last error. Tests poll for asynchronous work (queues, webhooks, email)
 * instead of sleeping a fixed time.
 */
export async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = 15_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
