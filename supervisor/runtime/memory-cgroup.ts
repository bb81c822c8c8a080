import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMemoryLimit, parseOomKills } from './memory-cgroup-text.js';

/** The container's memory cgroup as the supervisor reads it: its OOM-kill count and its limit. */
export interface MemoryCgroup {
  /** How many processes the kernel has OOM-killed in this cgroup; null when the kernel does not say. */
  oomKills(): number | null;
  limitBytes(): number | null;
}

/**
 * The cgroup of this container, v2 (unified, `memory.events`) or v1 (`memory/memory.oom_control`); users
 * mostly have v2, some engines (this project's CI among them) still v1. Inside a container the cgroup
 * namespace puts the container's own cgroup at the mount's root.
 */
export function openMemoryCgroup(root = '/sys/fs/cgroup'): MemoryCgroup {
  const v2 = readOrNull(join(root, 'memory.events')) !== null;
  const [eventsFile, limitFile] = v2
    ? [join(root, 'memory.events'), join(root, 'memory.max')]
    : [join(root, 'memory', 'memory.oom_control'), join(root, 'memory', 'memory.limit_in_bytes')];
  return {
    oomKills: () => {
      const text = readOrNull(eventsFile);
      return text === null ? null : parseOomKills(text);
    },
    limitBytes: () => {
      const text = readOrNull(limitFile);
      return text === null ? null : parseMemoryLimit(text);
    },
  };
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
