import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DOCKERFILE = join(import.meta.dirname, '..', '..', 'docker', 'Dockerfile');

/** The Claude Code version the image gets by default: the Dockerfile's global ARG, the one place it is written. */
export function claudeCodeVersion(): string {
  const defaults = [...readFileSync(DOCKERFILE, 'utf8').matchAll(/^ARG CLAUDE_CODE_VERSION=(\S+)$/gm)].map((m) => m[1] as string);
  if (defaults.length !== 1) throw new Error(`docker/Dockerfile gives CLAUDE_CODE_VERSION a default ${defaults.length} times; expected once`);
  return defaults[0] as string;
}
