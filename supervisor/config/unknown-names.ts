import { closest, distance } from 'fastest-levenshtein';
import type { LogEvent } from '../log/log-event.js';
import { HOST_SIDE_NAMES, PREFIX, envSchema } from './schema.js';

const KNOWN = [...Object.keys(envSchema.shape), ...HOST_SIDE_NAMES];

/**
 * Every AGENTGATE_* variable the supervisor does not know, with the closest known one (null when none is
 * near): `AGENTGATE_RESTRAT=never` would otherwise be ignored without a word.
 */
export function unknownVariables(env: Record<string, string | undefined>): Array<{ name: string; guess: string | null }> {
  const found: Array<{ name: string; guess: string | null }> = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(PREFIX)) continue;
    const key = name.slice(PREFIX.length);
    // AGENTGATE_GIT_TOKEN_<HOST>: one per git host, read by the egress proxy (features/egress/git-tokens.ts).
    if (KNOWN.includes(key) || key.startsWith('GIT_TOKEN_')) continue;
    const guess = closest(key, KNOWN);
    // Only a near miss is worth suggesting; otherwise list nothing rather than something unrelated.
    found.push({ name, guess: distance(key, guess) <= Math.max(2, Math.floor(key.length / 3)) ? `${PREFIX}${guess}` : null });
  }
  return found;
}

/** One log event per unknown variable (it is ignored): `unknown variable {name, hint}`. */
export function unknownVariableEvents(env: Record<string, string | undefined>): LogEvent[] {
  return unknownVariables(env).map(({ name, guess }) => ({
    msg: 'unknown variable',
    fields: { name, hint: guess ? `did you mean ${guess}?` : 'docs/configuration.md lists every variable' },
  }));
}
