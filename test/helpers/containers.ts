import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { HARDENING, TEST_IMAGE, docker, engineReachable, removeContainers } from './docker.js';
import { type LogLine, parseLogLines } from './log-lines.js';
import { FIXTURES } from './supervisor-process.js';

export const ROOT = resolve(FIXTURES, '../..');

/** True when an engine answers; under CI=true a missing engine fails the run instead of skipping it. */
export function requireEngine(): boolean {
  const reachable = engineReachable();
  if (!reachable) {
    if (process.env.CI === 'true') throw new Error('CI=true but no Docker engine is reachable: container tests cannot be skipped in CI');
    console.warn('\n*** CONTAINER TESTS SKIPPED: no Docker engine is reachable (start one; see the README) ***\n');
  }
  return reachable;
}

/** Containers and directories one test file made, removed by `cleanup()` after it. */
export class TestContainers {
  private readonly containers: string[] = [];
  private readonly dirs: string[] = [];

  /** A unique container name, removed after the suite. */
  name(label: string): string {
    const n = `agentgate-test-${label}-${process.pid}`;
    this.containers.push(n);
    removeContainers([n]);
    return n;
  }

  /** A workspace directory on the host owned by `uid`. */
  workspace(uid = 1000): string {
    const dir = mkdtempSync(join(tmpdir(), 'agentgate-ws-'));
    chownSync(dir, uid, uid);
    this.dirs.push(dir);
    return dir;
  }

  /** Remembers a path to remove after the suite. */
  track(path: string): void {
    this.dirs.push(path);
  }

  /** Starts a hardened agent container with the fixture agents mounted at /fixtures. */
  runAgent(label: string, agent: string, extra: string[] = [], hardening: readonly string[] = HARDENING): { container: string; ws: string } {
    const container = this.name(label);
    const ws = this.workspace();
    const r = docker([
      'run', '-d', '--name', container, ...hardening,
      '--health-interval', '1s', '--health-start-period', '0s', '--health-retries', '2',
      '-v', `${ws}:/workspace`, '-v', `${FIXTURES}:/fixtures:ro`,
      '-e', `AGENTGATE_AGENT=/fixtures/${agent}`, '-e', 'AGENTGATE_BACKOFF_INITIAL_MS=200', '-e', 'AGENTGATE_STOP_GRACE_MS=3000',
      ...extra, TEST_IMAGE,
    ]);
    expect(r.status, r.stderr).toBe(0);
    return { container, ws };
  }

  cleanup(): void {
    removeContainers(this.containers);
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}

export const exec = (container: string, cmd: string[]) => docker(['exec', container, ...cmd]);
/** The supervisor's /readyz, asked inside the container where it listens. */
export const readyz = (container: string) => JSON.parse(exec(container, ['sh', '-c', 'curl -s "$(cat /tmp/agentgate/health-url)/readyz"']).stdout || '{}');

/** The supervisor's JSON log lines of one event (`msg`), from `docker logs`. */
export function logEvents(container: string, msg: string): LogLine[] {
  return parseLogLines(docker(['logs', container]).stdout.split('\n')).filter((entry) => entry.msg === msg);
}
