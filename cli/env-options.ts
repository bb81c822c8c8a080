import { loadConfig } from '../supervisor/config/load-config.js';
import { unknownVariables } from '../supervisor/config/unknown-names.js';
import { keyVariablesOf } from '../supervisor/agents/key-variables.js';
import { ConfigError } from '../supervisor/errors.js';
import { UsageError } from './errors.js';


/**
 * The container's environment from --env NAME=VALUE (and the options that are variables), checked by the
 * supervisor's own schema before anything is created: a typo'd name names the closest known one, a bad
 * value says what was expected.
 */
export function agentEnvironment(given: readonly string[], host: Readonly<Record<string, string | undefined>>, extra: Record<string, string | undefined>): string[] {
  const env: Record<string, string> = {};
  for (const pair of given) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--env ${JSON.stringify(pair)}: expected NAME=VALUE`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  for (const [name, value] of Object.entries(extra)) if (value !== undefined && env[name] === undefined) env[name] = value;
  const [unknown] = unknownVariables(env);
  if (unknown) {
    const where = 'agentgate help up lists the options; docs/configuration.md every variable';
    throw new UsageError(`unknown variable ${unknown.name}`, unknown.guess ? `did you mean ${unknown.guess}? (${where})` : where);
  }
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.problems.join('; '), 'docs/configuration.md says what each variable takes');
    throw error;
  }
  // The selected agent's key variables from your shell when set there (never printed), and no other agent's.
  for (const name of keyVariablesOf(env.AGENTGATE_AGENT)) if (host[name] && env[name] === undefined) env[name] = host[name] as string;
  return Object.entries(env).map(([name, value]) => `${name}=${value}`);
}
