import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.js';

/** node's parseArgs with errors that name the command and the fix; `--` ends the options. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message.replace(/\. To specify.*$/s, '')}`, `agentgate help ${command} lists its options`);
  }
}

/** A positive number option, or its default. */
export function numberOption(command: string, name: string, value: string | undefined, fallback: number, range: [number, number]): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || n < range[0] || n > range[1]) throw new UsageError(`${command} --${name} ${JSON.stringify(value)}: expected a number from ${range[0]} to ${range[1]}`);
  return n;
}
