/** The delay before webhook delivery attempt `attempt` (1-based): none, then 1 s, 4 s, 16 s. */
export function webhookRetryDelayMs(attempt: number): number {
  return attempt <= 1 ? 0 : 1000 * 4 ** (attempt - 2);
}
