import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, requireEngine } from '../helpers/containers.js';
import { DockerNodes } from '../helpers/dind.js';
import { TEST_IMAGE, dockerAsync } from '../helpers/docker.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * The stack on a Swarm of two nodes on this host: Docker-in-Docker nodes (test/helpers/dind.ts).
 * `make test-swarm-nodes`; not part of `make test` (near-privileged containers, minutes).
 */
const reachable = requireEngine();
const nodes = new DockerNodes(`agentgate-swarm-${process.pid}`);
const NODES = ['manager', 'worker'] as const;
const on = (n: string, args: string[], timeoutMs?: number) => nodes.on(n, args, timeoutMs);
const stack = 'ag';
const service = `${stack}_agent`;

/** Where each running task of the service is: slot -> node name, once `count` are running and healthy. */
async function placedTasks(count: number): Promise<Map<number, string>> {
  return waitFor(
    () => {
      const placed = new Map<number, string>();
      for (const n of NODES) {
        const lines = on(n, ['ps', '--filter', `label=com.docker.swarm.service.name=${service}`, '--format', '{{.Names}} {{.Status}}']).stdout.trim().split('\n').filter(Boolean);
        for (const l of lines) if (l.includes('(healthy)')) placed.set(Number(l.split('.')[1]), n);
      }
      return placed.size === count ? placed : undefined;
    },
    `${count} healthy tasks`,
    180_000,
    () => on('manager', ['service', 'ps', '--no-trunc', service]).stdout,
  );
}

beforeAll(async () => {
  if (!reachable) return;
  await nodes.prepare();
  await Promise.all(NODES.map((n) => nodes.start(n)));
  const init = on('manager', ['swarm', 'init', '--advertise-addr', nodes.address('manager')]);
  if (init.status !== 0) throw new Error(`swarm init: ${init.stderr}`);
  const token = on('manager', ['swarm', 'join-token', '-q', 'worker']).stdout.trim();
  const join = on('worker', ['swarm', 'join', '--token', token, `${nodes.address('manager')}:2377`]);
  if (join.status !== 0) throw new Error(`swarm join: ${join.stderr}`);
  await waitFor(() => on('manager', ['node', 'ls', '--format', '{{.Status}}']).stdout.trim().split('\n').filter((s) => s === 'Ready').length === 2, 'two Ready nodes', 60_000);
}, 1_200_000);

afterAll(() => {
  if (reachable) nodes.remove();
}, 180_000);

describe.skipIf(!reachable)('the Swarm stack on two nodes (Docker-in-Docker)', () => {
  it('spreads replicas over the nodes, each with its own volumes there; draining a node starts its replica elsewhere on a new, empty workspace', async () => {
    const deploy = await dockerAsync(['stack', 'deploy', '--resolve-image', 'never', '-c', 'compose/stack.yaml', stack], {
      cwd: ROOT,
      env: { ...nodes.env('manager'), AGENTGATE_IMAGE: TEST_IMAGE, AGENTGATE_AGENT: 'sleep infinity', AGENTGATE_REPLICAS: '2' },
      timeoutMs: 120_000,
    });
    expect(deploy.status, deploy.stderr).toBe(0);
    // One replica per node, as a team would spread agents.
    expect(on('manager', ['service', 'update', '--quiet', '--replicas-max-per-node', '1', service], 300_000).status).toBe(0);
    const placed = await placedTasks(2);
    expect(new Set(placed.values())).toEqual(new Set(NODES));
    const workerSlot = [...placed].find(([, n]) => n === 'worker')?.[0] as number;
    const onWorker = on('worker', ['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${service}`]).stdout.trim();
    expect(on('worker', ['exec', onWorker, 'sh', '-c', 'echo worker-work > /workspace/work.txt && grep -E "^(CapEff|NoNewPrivs)" /proc/1/status']).stdout).toMatch(/CapEff:\s+0{16}\nNoNewPrivs:\s+1/);

    // Drain the worker: its replica starts on the manager, on that node's own (new, empty) volume of the slot.
    expect(on('manager', ['service', 'update', '--quiet', '--replicas-max-per-node', '0', service], 300_000).status).toBe(0);
    expect(on('manager', ['node', 'update', '--availability', 'drain', 'worker']).status).toBe(0);
    await waitFor(() => {
      const p = on('manager', ['ps', '--filter', `label=com.docker.swarm.service.name=${service}`, '--format', '{{.Names}} {{.Status}}']).stdout;
      return p.split('\n').filter((l) => l.includes('(healthy)')).length === 2;
    }, 'both replicas on the manager', 180_000, () => on('manager', ['service', 'ps', service]).stdout);
    const moved = on('manager', ['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${service}`, '--filter', `name=${service}.${workerSlot}.`]).stdout.trim();
    expect(on('manager', ['exec', moved, 'test', '-e', '/workspace/work.txt']).status).toBe(1);
    // The work is not lost: it is still in the slot's volume on the drained node.
    const kept = on('worker', ['run', '--rm', '--network', 'none', '-v', `${service}-workspace-${workerSlot}:/w:ro`, '--entrypoint', 'cat', TEST_IMAGE, '/w/work.txt']);
    expect(kept.stdout).toBe('worker-work\n');
  }, 900_000);
});
