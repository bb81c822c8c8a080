import { ROOT } from './containers.js';
import { TEST_IMAGE, docker, dockerAsync } from './docker.js';
import { waitFor } from './wait-for.js';

/**
 * A one-node Swarm on the test engine for a test file: joined if the engine is not in one yet, and left again
 * afterwards (only when this file made it), so that nothing else sees a swarm it did not ask for.
 */
export function joinSwarm(): { leave: () => void } {
  const state = docker(['info', '--format', '{{.Swarm.LocalNodeState}}']).stdout.trim();
  if (state === 'active') return { leave: () => undefined };
  const init = docker(['swarm', 'init', '--advertise-addr', '127.0.0.1'], 60_000);
  if (init.status !== 0) throw new Error(`docker swarm init failed: ${init.stderr}`);
  return { leave: () => void docker(['swarm', 'leave', '--force'], 60_000) };
}

/** One stack of compose/stack.yaml under a test's own name, with every trace removed by `remove()`. */
export class TestStack {
  readonly service: string;

  constructor(readonly name: string) {
    this.service = `${name}_agent`;
  }

  async deploy(env: Record<string, string> = {}, overrides: string[] = []): Promise<void> {
    const files = ['compose/stack.yaml', ...overrides].flatMap((f) => ['-c', f]);
    const r = await dockerAsync(['stack', 'deploy', '--resolve-image', 'never', ...files, this.name], {
      cwd: ROOT,
      env: { ...process.env, AGENTGATE_IMAGE: TEST_IMAGE, ...env },
      timeoutMs: 120_000,
    });
    if (r.status !== 0) throw new Error(`docker stack deploy failed: ${r.stderr}`);
  }

  /** The running containers of the service by slot, once `count` of them are healthy. */
  async healthyReplicas(count: number, timeoutMs = 90_000): Promise<Map<number, string>> {
    return waitFor(
      () => {
        const lines = docker(['ps', '--filter', `label=com.docker.swarm.service.name=${this.service}`, '--format', '{{.ID}} {{.Names}} {{.Status}}']).stdout.trim().split('\n').filter(Boolean);
        const healthy = lines.filter((l) => l.includes('(healthy)'));
        if (lines.length !== count || healthy.length !== count) return undefined;
        // Task names are <service>.<slot>.<task id>.
        return new Map(healthy.map((l) => {
          const [id, name] = l.split(' ');
          return [Number((name as string).split('.')[1]), id as string] as const;
        }));
      },
      `${count} healthy replicas of ${this.service}`,
      timeoutMs,
      () => docker(['service', 'ps', '--no-trunc', this.service]).stdout,
    );
  }

  /** `docker service update`, waiting for it to converge or roll back; returns the service's UpdateStatus. */
  async update(args: string[]): Promise<{ State: string; Message: string }> {
    const r = await dockerAsync(['service', 'update', '--quiet', ...args, this.service], { timeoutMs: 240_000 });
    const status = docker(['service', 'inspect', '--format', '{{json .UpdateStatus}}', this.service]).stdout.trim();
    if (status === 'null' || status === '') throw new Error(`no update status (update exited ${r.status}: ${r.stderr})`);
    return JSON.parse(status);
  }

  env(): string[] {
    return JSON.parse(docker(['service', 'inspect', '--format', '{{json .Spec.TaskTemplate.ContainerSpec.Env}}', this.service]).stdout);
  }

  /** The stack, its stopped tasks' containers and its per-slot volumes. */
  async remove(): Promise<void> {
    docker(['stack', 'rm', this.name], 60_000);
    await waitFor(() => docker(['service', 'inspect', this.service]).status !== 0, 'service removed', 60_000).catch(() => undefined);
    const leftovers = docker(['ps', '-aq', '--filter', `label=com.docker.swarm.service.name=${this.service}`]).stdout.trim().split('\n').filter(Boolean);
    if (leftovers.length > 0) docker(['rm', '-f', ...leftovers], 60_000);
    const volumes = docker(['volume', 'ls', '-q', '--filter', `name=${this.service}-`]).stdout.trim().split('\n').filter(Boolean);
    if (volumes.length > 0) docker(['volume', 'rm', '-f', ...volumes], 60_000);
    docker(['network', 'rm', `${this.name}_default`]);
  }
}
