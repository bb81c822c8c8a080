import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, requireEngine } from '../helpers/containers.js';
import { DockerNodes } from '../helpers/dind.js';
import { RecordingResolver, askMadeUpNames } from '../helpers/dns-watch.js';
import { TEST_IMAGE, composeEnv, docker, dockerAsync } from '../helpers/docker.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * compose/egress.yaml on a Docker engine whose upstream resolver is the test's own: an engine in a container
 * (test/helpers/dind.ts, dockerd --dns <the test's resolver>), since this machine's engine cannot be pointed
 * elsewhere without restarting it. A normal container's lookup reaches the resolver; the agent's never do.
 */
const reachable = requireEngine();
const nodes = new DockerNodes(`agentgate-dns-${process.pid}`);
const resolver = new RecordingResolver({ answer: false });
const project = `agentgate-t${process.pid}-engine-dns`;
let gateway = '';

beforeAll(async () => {
  if (!reachable) return;
  gateway = await nodes.prepare();
  await resolver.start(gateway);
  // compose's secret files are bind mounts from the repository: the engine must see them where compose says.
  await nodes.start('engine', { upstream: gateway, shared: [join(ROOT, 'compose')] });
});
afterAll(() => {
  resolver.stop();
  if (reachable) nodes.remove();
});

describe.skipIf(!reachable)('the agent behind the egress proxy, on an engine whose upstream resolver is the test\'s', () => {
  it('sends none of the agent\'s lookups to the engine\'s upstream, while a normal container\'s reach it', async () => {
    const env = composeEnv(project, {
      DOCKER_HOST: nodes.dockerHost('engine'),
      AGENTGATE_AGENT: 'sleep infinity',
      // The self-test's direct probe: an address of this machine's (it must fail), never one outside.
      AGENTGATE_EGRESS_PROBE: `${gateway}:9`,
    }, ['compose/egress.yaml']);
    const up = await dockerAsync(['compose', 'up', '-d', '--wait', 'agent'], { cwd: ROOT, env, timeoutMs: 300_000 });
    expect(up.status, up.stderr).toBe(0);
    const agent = docker(['compose', 'ps', '-q', 'agent'], 30_000, env).stdout.trim();
    const id = `${process.pid}${Date.now().toString(36)}`;
    // Detached: the test's resolver answers nothing, so the lookup itself only ends at its timeouts.
    const lookup = (name: string, network: string) =>
      nodes.on('engine', ['run', '-d', '--rm', '--network', network, '--entrypoint', 'getent', TEST_IMAGE, 'hosts', name], 60_000);

    // Control: a container on a normal network of that engine asks a name; the test's resolver hears it.
    lookup(`control-before-${id}.example`, `${project}_agentgate-outer`);
    await waitFor(() => resolver.names.includes(`control-before-${id}.example`), 'the control query at the engine\'s upstream', 30_000, () => resolver.names.join(' '));

    // The agent: its resolver, a direct connection, a name through the proxy.
    askMadeUpNames((cmd) => nodes.on('engine', ['exec', agent, 'sh', '-c', cmd], 60_000), id);

    // A second control after them: once the resolver has it, anything the agent sent would be there too.
    lookup(`control-after-${id}.example`, `${project}_agentgate-outer`);
    await waitFor(() => resolver.names.includes(`control-after-${id}.example`), 'the second control query', 30_000);
    expect([...new Set(resolver.names.filter((n) => n.includes(id)))].sort()).toEqual([`control-after-${id}.example`, `control-before-${id}.example`]);
  });
});
