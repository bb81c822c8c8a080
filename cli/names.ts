import { basename } from 'node:path';
import { UsageError } from './errors.js';

const NAME = /^[a-z0-9][a-z0-9_.-]{0,47}$/;

/** An agent's name from a directory: its base name, lower case, anything else a dash. */
export function nameFromDirectory(dir: string): string {
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 48);
  return name || 'agent';
}

/** A name given by the user, checked: it becomes part of a container and a volume name. */
export function checkName(name: string): string {
  if (!NAME.test(name)) {
    throw new UsageError(`agent name ${JSON.stringify(name)} is not usable: expected lower-case letters, digits, "_", "." or "-" (at most 48, starting with a letter or digit)`);
  }
  return name;
}

export const containerName = (name: string) => `agentgate-${name}`;
export const stateVolumeName = (name: string) => `agentgate-${name}-state`;
export const sampleVolumeName = (name: string) => `agentgate-${name}-workspace`;
