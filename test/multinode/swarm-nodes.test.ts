import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, requireEngine } from '../helpers/containers.js';
import { NODE_IMAGE, TEST_IMAGE, docker, dockerAsync } from '../helpers/docker.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * The stack on a Swarm of two nodes on this host: Docker-in-Docker nodes (Debian's dockerd in containers with
 * every capability, test/fixtures/swarm-node) on a network of the test's own, driven by this machine's docker CLI
 * over each node's API on that network. `make test-swarm-nodes`; not part of `make test` (it needs
 * near-privileged containers and takes minutes).
 */
const reachable = requireEngine();
const id = `agentgate-swarm-${process.pid}`;
const NODE = `agentgate/test-swarm-node:${process.pid}`;
const network = `${id}-net`;
const NODES = ['manager', 'worker'] as const;
type Node = (typeof NODES)[number];
const container = (n: Node) => `${id}-${n}`;
const addresses = {} as Record<Node, string>;
const nodeEnv = (n: Node) => ({ ...process.env, DOCKER_HOST: `tcp://${addresses[n]}:2375` });
/** The docker CLI against one node's engine. */
const on = (n: Node, args: string[], timeoutMs = 120_000) => docker(args, timeoutMs, nodeEnv(n));
const stack = 'ag';
/** What a Docker-in-Docker node needs: --privileged, less SYS_RESOURCE, which this machine does not grant. */
const NODE_PRIVILEGES = ['--cap-add', 'ALL', '--cap-drop', 'SYS_RESOURCE', '--security-opt', 'seccomp=unconfined', '--security-opt', 'apparmor=unconfined', '--security-opt', 'systempaths=unconfined'];
const service = `${stack}_agent`;

/** `docker save` here piped into `docker load` on a node: the image as a registry would hand it over. */
function loadImage(n: Node): Promise<number | null> {
  return new Promise((resolve) => {
    const save = spawn('docker', ['save', TEST_IMAGE], { stdio: ['ignore', 'pipe', 'inherit'] });
    const load = spawn('docker', ['load', '-q'], { env: nodeEnv(n), stdio: ['pipe', 'ignore', 'inherit'] });
    save.stdout.pipe(load.stdin);
    load.on('exit', (code) => resolve(code));
  });
}

/** Where each running task of the service is: slot -> node name, once `count` are running and healthy. */
async function placedTasks(count: number): Promise<Map<number, Node>> {
  return waitFor(
    () => {
      const placed = new Map<number, Node>();
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
  const build = await dockerAsync(['build', '--network', 'host', '--build-arg', `BASE=${NODE_IMAGE}`, '-t', NODE, 'test/fixtures/swarm-node'], { cwd: ROOT, timeoutMs: 600_000 });
  if (build.status !== 0) throw new Error(`building the node image failed: ${build.stderr.slice(-2000)}`);
  docker(['network', 'create', network]);
  for (const n of NODES) {
    const r = docker(['run', '-d', ...NODE_PRIVILEGES, '--name', container(n), '--hostname', n, '--network', network, NODE]);
    if (r.status !== 0) throw new Error(`starting node ${n}: ${r.stderr}`);
    addresses[n] = docker(['inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, container(n)]).stdout.trim();
  }
  for (const n of NODES) await waitFor(() => on(n, ['info', '--format', '{{.ServerVersion}}'], 10_000).status === 0, `node ${n}'s engine`, 60_000);
  const loaded = await Promise.all(NODES.map(loadImage));
  if (loaded.some((code) => code !== 0)) throw new Error(`loading ${TEST_IMAGE} into the nodes failed: ${loaded.join(', ')}`);
  const init = on('manager', ['swarm', 'init', '--advertise-addr', addresses.manager]);
  if (init.status !== 0) throw new Error(`swarm init: ${init.stderr}`);
  const token = on('manager', ['swarm', 'join-token', '-q', 'worker']).stdout.trim();
  const join = on('worker', ['swarm', 'join', '--token', token, `${addresses.manager}:2377`]);
  if (join.status !== 0) throw new Error(`swarm join: ${join.stderr}`);
  await waitFor(() => on('manager', ['node', 'ls', '--format', '{{.Status}}']).stdout.trim().split('\n').filter((s) => s === 'Ready').length === 2, 'two Ready nodes', 60_000);
}, 1_200_000);

afterAll(() => {
  if (!reachable) return;
  docker(['rm', '-f', '-v', ...NODES.map(container)], 120_000);
  docker(['network', 'rm', network]);
  docker(['image', 'rm', '-f', NODE]);
}, 180_000);

describe.skipIf(!reachable)('the Swarm stack on two nodes (Docker-in-Docker)', () => {
  it('spreads replicas over the nodes, each with its own volumes there; draining a node starts its replica elsewhere on a new, empty workspace', async () => {
    const deploy = await dockerAsync(['stack', 'deploy', '--resolve-image', 'never', '-c', 'compose/stack.yaml', stack], {
      cwd: ROOT,
      env: { ...nodeEnv('manager'), AGENTGATE_IMAGE: TEST_IMAGE, AGENTGATE_AGENT: 'sleep infinity', AGENTGATE_REPLICAS: '2' },
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
