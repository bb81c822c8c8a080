import { describe, expect, it } from 'vitest';
import { memoryIn, parseMemoryLine } from '../../cli/engine/agent-sample.js';

describe('the memory line of an agent sample (ls reads memory in the same exec as the health report)', () => {
  it('is the usage without the inactive page cache, as docker stats shows it', () => {
    expect(parseMemoryLine('memory 20426752 1048576')).toBe(20426752 - 1048576);
    expect(parseMemoryLine('memory 20426752 0')).toBe(20426752);
  });

  it('takes no cache figure as none', () => {
    expect(parseMemoryLine('memory 20426752 ')).toBe(20426752);
  });

  it('is null when the container could not read its cgroup, so that ls asks the engine', () => {
    expect(parseMemoryLine('memory  0')).toBeNull();
    expect(parseMemoryLine(undefined)).toBeNull();
    expect(parseMemoryLine('memory max 0')).toBeNull();
  });

  it('is null for a line cut at the health log limit (Docker adds "..."), not a usage with no cache taken off', () => {
    expect(parseMemoryLine('memory 20426752 1048...')).toBeNull();
    expect(memoryIn('unhealthy: start: start failed: x\nreport {}\nmemory 20426752 10...')).toBeNull();
    expect(memoryIn('healthy: x\nreport {}\nmemory 20426752 1048576\n')).toBe(20426752 - 1048576);
  });
});
