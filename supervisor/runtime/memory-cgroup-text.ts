/**
 * Parsing of the memory cgroup's files, v2 and v1: pure, so both layouts are unit-tested on any machine.
 * v2: `memory.events` has `oom_kill N`, `memory.max` is `max` or bytes. v1: `memory.oom_control` has
 * `oom_kill N` (kernels >= 4.13), `memory.limit_in_bytes` is bytes, a huge number meaning no limit.
 */

/** The `oom_kill` counter in memory.events (v2) or memory.oom_control (v1); null when absent. */
export function parseOomKills(text: string): number | null {
  const match = /^oom_kill (\d+)$/m.exec(text);
  return match ? Number(match[1]) : null;
}

/** Above this a v1 limit is the kernel's "no limit" (PAGE_COUNTER_MAX pages, rounded). */
const NO_LIMIT_BYTES = 2 ** 60;

/** The limit in bytes from memory.max (v2) or memory.limit_in_bytes (v1); null for none. */
export function parseMemoryLimit(text: string): number | null {
  const value = text.trim();
  if (value === 'max' || !/^\d+$/.test(value)) return null;
  const bytes = Number(value);
  return bytes >= NO_LIMIT_BYTES ? null : bytes;
}
