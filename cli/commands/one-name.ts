import { parseCommandArgs } from '../args.js';
import { UsageError } from '../errors.js';

/** The arguments of a command that takes exactly one agent's NAME (and its options). */
export function oneName(command: string, args: readonly string[], options = {}) {
  const parsed = parseCommandArgs(command, args, options);
  if (parsed.positionals.length !== 1) throw new UsageError(`${command} takes one NAME: agentgate ${command} NAME`);
  return { name: parsed.positionals[0] as string, values: parsed.values as Record<string, unknown> };
}
