import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { waitFor } from './wait-for.js';

export const TEST_IMAGE = process.env.AGENTGATE_TEST_IMAGE ?? 'agentgate/agent:test';
export const NODE_IMAGE = process.env.NODE_IMAGE ?? 'node:24-alpine';

/**
 * The hardening the compose service applies, as `docker run` flags: deploy/hardening.json, with its named test
 * limits (test/unit/hardening-profile.test.ts keeps them equal).
 */
export const HARDENING = [
  '--read-only',
  '--tmpfs', '/tmp:mode=1777,size=512m',
  '--tmpfs', '/home/agentgate:uid=1000,gid=1000,mode=0700,size=256m',
  '--cap-drop', 'ALL',
  '--security-opt', 'no-new-privileges',
  '--memory', '1g',
  '--pids-limit', '256',
  '--ulimit', 'nofile=8192:8192',
  '--ulimit', 'core=0',
  '--network', 'none',
];

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the docker CLI and waits for it, with a deadline. */
export function docker(args: string[], timeoutMs = 60_000, env: NodeJS.ProcessEnv = process.env): Run {
  const r: SpawnSyncReturns<string> = spawnSync('docker', args, { encoding: 'utf8', timeout: timeoutMs, env, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

/** Runs the docker CLI without blocking the event loop (builds, long runs). */
export function dockerAsync(args: string[], options: { timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn('docker', args, { cwd: options.cwd, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** True when a Docker engine answers. */
export function engineReachable(): boolean {
  return docker(['info', '--format', '{{.ServerVersion}}'], 15_000).status === 0;
}

export function inspect(container: string, format: string): string {
  return docker(['inspect', '-f', format, container]).stdout.trim();
}

export async function waitForHealth(container: string, status: 'healthy' | 'unhealthy', timeoutMs = 60_000): Promise<void> {
  await waitFor(() => inspect(container, '{{.State.Health.Status}}') === status, `${container} to be ${status}`, timeoutMs, () =>
    docker(['logs', '--tail', '20', container]).stdout,
  );
}

export function removeContainers(names: string[]): void {
  if (names.length > 0) docker(['rm', '-f', '-v', ...names]);
}

/**
 * The environment for `docker compose` in tests: the test image, a project name of the test's own, the
 * override that engines older than 25 need (they refuse healthcheck.start_interval), as the Makefile adds it,
 * then `overrides` (compose/egress.yaml, ...). The engine asked is extra.DOCKER_HOST's when given.
 */
export function composeEnv(project: string, extra: Record<string, string> = {}, overrides: string[] = []): NodeJS.ProcessEnv {
  const engineEnv = extra.DOCKER_HOST ? { ...process.env, DOCKER_HOST: extra.DOCKER_HOST } : process.env;
  const api = docker(['version', '-f', '{{.Server.APIVersion}}'], 15_000, engineEnv).stdout.trim();
  const [major, minor] = api.split('.').map(Number);
  const old = (major ?? 0) < 1 || ((major ?? 0) === 1 && (minor ?? 0) < 44);
  return {
    ...process.env,
    AGENTGATE_IMAGE: TEST_IMAGE,
    NODE_IMAGE,
    COMPOSE_PROJECT_NAME: project,
    COMPOSE_FILE: ['compose/compose.yaml', ...(old ? ['compose/engine-pre-25.yaml'] : []), ...overrides].join(':'),
    ...extra,
  };
}

/** The gateway address of a Docker network: the engine's host on it. */
export function networkGateway(network: string, env: NodeJS.ProcessEnv = process.env): string {
  return docker(['network', 'inspect', network, '-f', '{{(index .IPAM.Config 0).Gateway}}'], 60_000, env).stdout.trim();
}
