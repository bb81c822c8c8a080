import { describe, expect, it } from 'vitest';
import { parseMemoryLine } from '../../cli/engine/agent-sample.js';

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
});
