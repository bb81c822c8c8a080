import { describe, expect, it } from 'vitest';
import { parseMemoryLimit, parseOomKills } from '../../supervisor/runtime/memory-cgroup-text.js';

describe('memory cgroup files', () => {
  it('reads the OOM-kill counter of cgroup v2 memory.events and v1 memory.oom_control', () => {
    expect(parseOomKills('low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n')).toBe(2);
    expect(parseOomKills('oom_kill_disable 0\nunder_oom 0\noom_kill 7\n')).toBe(7);
    expect(parseOomKills('oom_kill_disable 0\nunder_oom 0\n')).toBeNull(); // kernels before 4.13
  });

  it('reads the limit of v2 memory.max and v1 memory.limit_in_bytes, "no limit" as null', () => {
    expect(parseMemoryLimit('134217728\n')).toBe(134_217_728);
    expect(parseMemoryLimit('max\n')).toBeNull();
    expect(parseMemoryLimit('9223372036854771712\n')).toBeNull();
    expect(parseMemoryLimit('')).toBeNull();
  });
});
