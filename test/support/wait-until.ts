/**
 * Waits on real time until `check` holds, for tests that watch sockets,
 * processes and daemons; the error says what never happened. Checks that start
 * a process (swanctl, ip) want a larger `everyMs` than the 5 ms default.
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000, everyMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
