import { PREFIX, envSchema } from './schema.js';

/**
 * The backoff's first delay may not exceed its cap. Judged only once both values are valid on their own (a
 * value out of its own range is already reported), and blamed on a variable the user set: a cap left unset
 * is its default, not the user's mistake.
 */
export function backoffRangeProblem(raw: Record<string, string>): string | null {
  const initial = envSchema.shape.BACKOFF_INITIAL_MS.safeParse(raw.BACKOFF_INITIAL_MS);
  const max = envSchema.shape.BACKOFF_MAX_MS.safeParse(raw.BACKOFF_MAX_MS);
  if (!initial.success || !max.success || max.data >= initial.data) return null;
  if (raw.BACKOFF_MAX_MS !== undefined) {
    return `${PREFIX}BACKOFF_MAX_MS=${JSON.stringify(raw.BACKOFF_MAX_MS)}: expected a number >= ${PREFIX}BACKOFF_INITIAL_MS`;
  }
  return `${PREFIX}BACKOFF_INITIAL_MS=${JSON.stringify(raw.BACKOFF_INITIAL_MS)}: expected a number <= ${PREFIX}BACKOFF_MAX_MS (unset: ${max.data})`;
}
