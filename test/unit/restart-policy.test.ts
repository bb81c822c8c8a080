import { describe, expect, it } from 'vitest';
import { nextBackoffMs } from '../../supervisor/agent/backoff.js';
import { RestartPolicy, type RestartPolicyOptions, exitCodeOf } from '../../supervisor/agent/restart-policy.js';

const backoff = { initialMs: 1000, maxMs: 8000, factor: 2, jitter: 0 };
const options = (over: Partial<RestartPolicyOptions> = {}): RestartPolicyOptions => ({
  policy: 'always',
  backoff,
  stableRunMs: 60_000,
  crashLoopRestarts: 3,
  crashLoopWindowMs: 30_000,
  ...over,
});
/** A fake clock: each exit happens `runMs` after the previous one. */
function crashAt(endedAtMs: number, runMs = 10, code = 1) {
  return { code, signalNumber: null, startedAtMs: endedAtMs - runMs, endedAtMs };
}

describe('nextBackoffMs', () => {
  it('grows exponentially from the initial delay and is capped', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => nextBackoffMs(n, backoff))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('jitter only shortens the delay, by at most the jitter fraction', () => {
    const jittered = { ...backoff, jitter: 0.25 };
    expect(nextBackoffMs(1, jittered, () => 0)).toBe(1000);
    expect(nextBackoffMs(1, jittered, () => 0.999999)).toBe(750);
    expect(nextBackoffMs(9, jittered, () => 0.5)).toBe(7000);
  });

  it('allows an immediate restart when the initial delay is 0', () => {
    expect(nextBackoffMs(3, { ...backoff, initialMs: 0 })).toBe(0);
  });
});

describe('RestartPolicy', () => {
  it('restarts with growing delays under "always", whatever the exit code', () => {
    const policy = new RestartPolicy(options());
    expect(policy.decide(crashAt(1000, 10, 0))).toEqual({ action: 'restart', delayMs: 1000, attempt: 1 });
    expect(policy.decide(crashAt(3000))).toEqual({ action: 'restart', delayMs: 2000, attempt: 2 });
    expect(policy.decide(crashAt(6000))).toEqual({ action: 'restart', delayMs: 4000, attempt: 3 });
  });

  it('resets the backoff after a stable run', () => {
    const policy = new RestartPolicy(options({ stableRunMs: 5000 }));
    policy.decide(crashAt(1000));
    policy.decide(crashAt(2000));
    expect(policy.decide(crashAt(20_000, 5000))).toEqual({ action: 'restart', delayMs: 1000, attempt: 1 });
  });

  it('"never" ends with the agent\'s exit code, or 128+N for a signal', () => {
    expect(new RestartPolicy(options({ policy: 'never' })).decide(crashAt(1, 1, 3))).toEqual({ action: 'exit', exitCode: 3 });
    expect(new RestartPolicy(options({ policy: 'never' })).decide({ ...crashAt(1), code: null, signalNumber: 9 })).toEqual({ action: 'exit', exitCode: 137 });
  });

  it('"on-failure" ends on success and restarts on failure', () => {
    const policy = new RestartPolicy(options({ policy: 'on-failure' }));
    expect(policy.decide(crashAt(1000, 10, 2)).action).toBe('restart');
    expect(policy.decide(crashAt(5000, 10, 0))).toEqual({ action: 'exit', exitCode: 0 });
  });

  it('always recovers from a killed session or a dead tmux server, even under "never"', () => {
    const policy = new RestartPolicy(options({ policy: 'never' }));
    expect(policy.decide({ ...crashAt(1000), code: null, infrastructure: true }).action).toBe('restart');
  });

  it('reports a crash loop at the threshold within the window, and keeps it as the window passes without a stable run', () => {
    const policy = new RestartPolicy(options({ crashLoopRestarts: 3, crashLoopWindowMs: 30_000 }));
    policy.decide(crashAt(1000));
    policy.decide(crashAt(2000));
    expect(policy.isCrashLooping(2000)).toBe(false);
    policy.decide(crashAt(3000));
    expect(policy.isCrashLooping(3000)).toBe(true);
    expect(policy.recentRestarts(3000)).toBe(3);
    // Issue 17 #9: the window passing alone no longer ends a crash loop (it did, and a long backoff looked healthy).
    expect(policy.isCrashLooping(31_500)).toBe(true);
    expect(policy.recentRestarts(32_500)).toBe(1);
  });

  it('a stable run clears the crash loop', () => {
    const policy = new RestartPolicy(options({ crashLoopRestarts: 2, stableRunMs: 1000 }));
    policy.decide(crashAt(100));
    policy.decide(crashAt(200));
    expect(policy.isCrashLooping(200)).toBe(true);
    policy.decide(crashAt(5000, 2000));
    expect(policy.recentRestarts(5000)).toBe(1);
    expect(policy.isCrashLooping(5000)).toBe(false);
  });
});

describe('RestartPolicy: a crash loop lasts until a stable run', () => {
  // The default-like shape of issue 17 #9: a backoff that outgrows the window spreads the restarts out.
  const slow = options({ backoff: { initialMs: 1000, maxMs: 120_000, factor: 2, jitter: 0 }, crashLoopRestarts: 5, crashLoopWindowMs: 300_000, stableRunMs: 60_000 });

  /** Crashes the agent `count` times, each run `runMs` long, each restart after its backoff: returns the fake clock. */
  function crashLoop(policy: RestartPolicy, count: number, runMs = 500, fromMs = 0): number {
    let now = fromMs;
    for (let i = 0; i < count; i++) {
      policy.runStarted(now);
      now += runMs;
      const decision = policy.decide(crashAt(now, runMs));
      if (decision.action !== 'restart') throw new Error('expected a restart');
      now += decision.delayMs;
    }
    return now;
  }

  it('stays in a crash loop when the backoff has grown longer than the window, restart after restart', () => {
    const policy = new RestartPolicy(slow);
    let now = crashLoop(policy, 5);
    expect(policy.isCrashLooping(now)).toBe(true);
    // Eleven restarts: the delays are now 64 s and 120 s, fewer than five fall within five minutes.
    now = crashLoop(policy, 6, 500, now);
    expect(policy.recentRestarts(now)).toBeLessThan(5);
    expect(policy.isCrashLooping(now)).toBe(true);
    expect(policy.restartsSinceStableRun).toBe(11);
    // Running, but not yet for the stable-run time: still a loop.
    policy.runStarted(now);
    expect(policy.isCrashLooping(now + 59_999)).toBe(true);
  });

  it('ends with a run that has lasted the stable-run time, while it runs and after it ends', () => {
    const policy = new RestartPolicy(slow);
    const now = crashLoop(policy, 5);
    policy.runStarted(now);
    expect(policy.isCrashLooping(now + 60_000)).toBe(false);
    expect(policy.decide(crashAt(now + 70_000, 70_000))).toMatchObject({ attempt: 1, delayMs: 1000 });
    expect(policy.isCrashLooping(now + 70_000)).toBe(false);
    expect(policy.restartsSinceStableRun).toBe(1);
  });

  it('is not a crash loop below the threshold, however long it goes on', () => {
    const policy = new RestartPolicy(options({ crashLoopRestarts: 5, crashLoopWindowMs: 10_000, backoff: { initialMs: 20_000, maxMs: 20_000, factor: 1, jitter: 0 } }));
    const now = crashLoop(policy, 20);
    expect(policy.isCrashLooping(now)).toBe(false);
  });
});

describe('exitCodeOf', () => {
  it('passes the code through and maps signal N to 128+N', () => {
    expect(exitCodeOf({ code: 0, signalNumber: null })).toBe(0);
    expect(exitCodeOf({ code: 42, signalNumber: null })).toBe(42);
    expect(exitCodeOf({ code: null, signalNumber: 15 })).toBe(143);
  });
});
