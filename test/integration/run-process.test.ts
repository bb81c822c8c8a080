import { describe, expect, it } from 'vitest';
import { runProcess } from '../../supervisor/runtime/run-process.js';

// The helper every tmux client, `git config` and `mkfifo` runs through: real processes, its deadline and its
// refusals, which the stop path and the way to ready count on.
const env = { PATH: process.env.PATH };

describe('runProcess', () => {
  it('gives the output, the exit code and the input it was handed', async () => {
    const result = await runProcess('sh', ['-c', 'cat; echo oops >&2; exit 3'], { env, timeoutMs: 5000, input: '-n "$(id)"\nline two' });
    expect(result).toMatchObject({ ok: false, exitCode: 3, signal: null, stdout: '-n "$(id)"\nline two', stderr: 'oops\n', errorCode: null });
    expect(await runProcess('true', [], { env, timeoutMs: 5000 })).toMatchObject({ ok: true, exitCode: 0 });
  });

  it('names a program that is not installed instead of throwing', async () => {
    const result = await runProcess('agentgate-no-such-program', [], { env, timeoutMs: 5000 });
    expect(result).toMatchObject({ ok: false, exitCode: null, errorCode: 'ENOENT' });
  });

  it('answers, not throws, when Node refuses to start it (an argument Node cannot pass, one over 128 KiB)', async () => {
    expect(await runProcess('echo', ['a\0b'], { env, timeoutMs: 5000 })).toMatchObject({ ok: false, exitCode: null, errorCode: 'ERR_INVALID_ARG_VALUE' });
    expect(await runProcess('echo', ['x'.repeat(200 * 1024)], { env, timeoutMs: 5000 })).toMatchObject({ ok: false, exitCode: null, errorCode: 'E2BIG' });
  });

  it('ends at its deadline even when a child it left holds its pipes (a tmux client against a frozen server)', async () => {
    const started = Date.now();
    const result = await runProcess('sh', ['-c', 'sleep 30 & echo $! ; exec sleep 30'], { env, timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, signal: 'SIGKILL', errorCode: 'ETIMEDOUT' });
    expect(Date.now() - started).toBeLessThan(5000);
    const orphan = Number(result.stdout.trim());
    if (orphan > 0) process.kill(orphan, 'SIGKILL');
  });

  it('keeps at most 1 MiB of an output that does not end', async () => {
    const result = await runProcess('sh', ['-c', 'head -c 3000000 /dev/zero'], { env, timeoutMs: 10_000 });
    expect(result.ok).toBe(true);
    expect(result.stdout.length).toBe(1024 * 1024);
  });
});
