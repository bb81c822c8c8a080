import { describe, expect, it } from 'vitest';
import { parseMemoryLimit, parseOomKills } from '../../supervisor/runtime/memory-cgroup-text.js';
import { OomKillTracker } from '../../supervisor/runtime/oom-kills.js';

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

describe('OOM kills over one run of the agent', () => {
  it('counts each rise once while the agent lives', () => {
    const t = new OomKillTracker(3);
    expect(t.observe(3, 1000)).toBe(0);
    expect(t.observe(5, 2000)).toBe(2);
    expect(t.observe(5, 3000)).toBe(0);
    expect(t.killsDuringRun(6)).toBe(3);
  });

  it('names the end when a kill came after the last reading, whatever the exit code', () => {
    const t = new OomKillTracker(0);
    expect(t.endedByKill(1, 10_000, 10_000)).toBe(true);
    expect(new OomKillTracker(2).endedByKill(2, 10_000, 10_000)).toBe(false);
  });

  it('names the end when the timer read the kill just before it, not when the agent lived on long after', () => {
    const t = new OomKillTracker(0);
    t.observe(1, 5_000);
    expect(t.endedByKill(1, 9_000, 10_000)).toBe(true);
    expect(t.endedByKill(1, 60_000, 10_000)).toBe(false);
  });
});
