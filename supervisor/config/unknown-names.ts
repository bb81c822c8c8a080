import { closest, distance } from 'fastest-levenshtein';
import { HOST_SIDE_NAMES, PREFIX, envSchema } from './schema.js';

const KNOWN = [...Object.keys(envSchema.shape), ...HOST_SIDE_NAMES];

/**
 * One warning per AGENTGATE_* variable the supervisor does not know, naming the closest known one:
 * `AGENTGATE_RESTRAT=never` would otherwise be ignored without a word.
 */
export function unknownVariableWarnings(env: Record<string, string | undefined>): string[] {
  const warnings: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(PREFIX)) continue;
    const key = name.slice(PREFIX.length);
    // AGENTGATE_GIT_TOKEN_<HOST>: one per git host, read by the egress proxy (features/egress/git-tokens.ts).
    if (KNOWN.includes(key) || key.startsWith('GIT_TOKEN_')) continue;
    const guess = closest(key, KNOWN);
    // Only a near miss is worth suggesting; otherwise list nothing rather than something unrelated.
    const hint = distance(key, guess) <= Math.max(2, Math.floor(key.length / 3)) ? `; did you mean ${PREFIX}${guess}?` : '';
    warnings.push(`unknown variable ${name} is ignored${hint}`);
  }
  return warnings;
}
