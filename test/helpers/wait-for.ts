/**
 * Polls `probe` until it returns a value other than undefined, null, false or '' (a file not written yet), or fails
 * with what it waited for, the last error the probe threw (as the message's last line and as `cause`) and `context()`.
 */
export async function waitFor<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 10_000,
  context: () => string = () => '',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    let value: T | undefined | null | false;
    try {
      value = await probe();
    } catch (error) {
      value = undefined;
      lastError = error;
    }
    if (value !== undefined && value !== null && value !== false && value !== '') return value;
    if (Date.now() > until) {
      const probeError = lastError === undefined ? '' : `\nthe probe last threw: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${probeError}\n${context()}`, lastError === undefined ? {} : { cause: lastError });
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
