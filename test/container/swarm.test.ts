import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, exec, requireEngine } from '../helpers/containers.js';
import { docker, inspect } from '../helpers/docker.js';
import { TestStack, joinSwarm } from '../helpers/swarm.js';

const reachable = requireEngine();
const stack = new TestStack(`agentgate-t${process.pid}`);
const hostStack = new TestStack(`agentgate-h${process.pid}`);
let swarm: { leave: () => void } = { leave: () => undefined };

beforeAll(() => {
  if (reachable) swarm = joinSwarm();
});
afterAll(async () => {
  if (!reachable) return;
  await stack.remove();
  await hostStack.remove();
  swarm.leave();
});

const volumeAt = (container: string, path: string) => inspect(container, `{{range .Mounts}}{{if eq .Destination "${path}"}}{{.Name}}{{end}}{{end}}`);

describe.skipIf(!reachable)('the Swarm stack (compose/stack.yaml), on a one-node swarm', () => {
  it('deploys hardened, scales to replicas with their own volumes, updates one slot at a time, and rolls back an agent that never gets healthy', async () => {
    await stack.deploy({ AGENTGATE_AGENT: 'sleep infinity' });
    const first = (await stack.healthyReplicas(1)).get(1) as string;

    // What Swarm cannot ask for, the image and the stack provide: no capabilities, no new privileges, a
    // read-only root, /tmp a tmpfs, the home a tmpfs volume owned by the agent's uid.
    const status = exec(first, ['sh', '-c', 'grep -E "^(CapEff|NoNewPrivs)" /proc/1/status; touch /x 2>&1; stat -c "%u %a" /home/agentgate; grep " /tmp " /proc/mounts | cut -d" " -f3']).stdout;
    expect(status).toMatch(/CapEff:\s+0{16}\nNoNewPrivs:\s+1\n.*Read-only file system\n1000 700\ntmpfs\n$/);
    expect(inspect(first, '{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.HostConfig.PidsLimit}}')).toBe('true [ALL] 512');

    // Two replicas: each slot has its own workspace, state and home.
    expect(docker(['service', 'scale', '--detach', `${stack.service}=2`]).status).toBe(0);
    const replicas = await stack.healthyReplicas(2);
    const [one, two] = [replicas.get(1) as string, replicas.get(2) as string];
    for (const path of ['/workspace', '/home/agentgate/.claude', '/home/agentgate']) {
      expect(volumeAt(one, path)).not.toBe(volumeAt(two, path));
    }
    expect(volumeAt(one, '/workspace')).toBe(`${stack.service}-workspace-1`);
    expect(exec(one, ['sh', '-c', 'echo slot-one-work > /workspace/work.txt']).status).toBe(0);
    expect(exec(two, ['test', '-e', '/workspace/work.txt']).status).toBe(1);
    const ls = JSON.parse(spawnSync('node', ['dist/agentgate.cjs', 'ls', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 }).stdout) as Array<Record<string, string>>;
    const listed = ls.filter((r) => r.kind === 'swarm' && String(r.name).startsWith(`${stack.service}.`));
    expect(listed.map((r) => [r.health, r.workspace])).toEqual([
      ['healthy', `volume ${stack.service}-workspace-1`],
      ['healthy', `volume ${stack.service}-workspace-2`],
    ]);
    expect(listed[0]?.attach).toMatch(new RegExp(`^docker exec -it ${stack.service}\\.1\\.\\w+ agentgate attach$`));

    // A good update replaces each slot's task (stop-first), and the slot's work is still there.
    const good = await stack.update(['--env-add', 'AGENTGATE_LOG_LEVEL=debug']);
    expect(good.State).toBe('completed');
    const updated = await stack.healthyReplicas(2);
    const slotOne = updated.get(1) as string;
    expect(slotOne).not.toBe(one);
    expect(exec(slotOne, ['cat', '/workspace/work.txt']).stdout).toBe('slot-one-work\n');
    expect(exec(slotOne, ['sh', '-c', 'echo $AGENTGATE_LOG_LEVEL']).stdout.trim()).toBe('debug');

    // An update whose agent crash-loops never gets healthy: Swarm rolls the service back by itself.
    const bad = await stack.update(['--env-add', 'AGENTGATE_AGENT=false']);
    expect(bad.State).toBe('rollback_completed');
    expect(stack.env()).toContain('AGENTGATE_AGENT=sleep infinity');
    const rolledBack = await stack.healthyReplicas(2);
    expect(exec(rolledBack.get(1) as string, ['cat', '/workspace/work.txt']).stdout).toBe('slot-one-work\n');
  });

  it('runs replicas on the host network (compose/stack-host-network.yaml) side by side, each on a health port of its own', async () => {
    await hostStack.deploy({ AGENTGATE_AGENT: 'sleep infinity', AGENTGATE_REPLICAS: '2' }, ['compose/stack-host-network.yaml']);
    const replicas = await hostStack.healthyReplicas(2);
    const urls = [...replicas.values()].map((c) => exec(c, ['cat', '/tmp/agentgate/health-url']).stdout.trim());
    expect(new Set(urls).size).toBe(2);
    expect(urls).toContain('http://127.0.0.1:7433');
    for (const c of replicas.values()) {
      expect(inspect(c, '{{.HostConfig.NetworkMode}}')).toBe('host');
      expect(exec(c, ['agentgate', 'health']).stdout).toMatch(/^healthy: agent running/);
    }
  });
});
