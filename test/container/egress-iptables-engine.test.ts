import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, requireEngine } from '../helpers/containers.js';
import { DockerNodes } from '../helpers/dind.js';
import { TEST_IMAGE, composeEnv, docker, dockerAsync, networkGateway } from '../helpers/docker.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * compose/egress.yaml on an engine WITH iptables, as most users' engines are (this machine's own has none): a
 * Docker engine in a container (test/helpers/dind.ts, dockerd --iptables=true). There, `internal: true` alone
 * still lets a container reach the engine host's own services; the egress variant must not.
 */
const reachable = requireEngine();
const nodes = new DockerNodes(`agentgate-ipt-${process.pid}`);
const project = `agentgate-t${process.pid}-iptables`;
const HOST_SERVICE_PORT = 8765;

beforeAll(async () => {
  if (!reachable) return;
  await nodes.prepare();
  await nodes.start('engine', { iptables: true, shared: [join(ROOT, 'compose')] });
  // A service of the engine's host (the node's own network namespace), on every address it has.
  nodes.exec('engine', ['node', '-e', `require('http').createServer((q, r) => r.end('host service')).listen(${HOST_SERVICE_PORT}, '0.0.0.0')`], true);
});
afterAll(() => {
  if (reachable) nodes.remove();
});

describe.skipIf(!reachable)('the egress variant on an engine with iptables', () => {
  it('closes what internal: true alone leaves open (the host\'s own services), and the proxy still lets the listed target through', async () => {
    const on = (args: string[], timeoutMs?: number) => nodes.on('engine', args, timeoutMs);
    // The engine does manage iptables: its chains are there.
    const chains = nodes.exec('engine', ['iptables', '-n', '-L', 'DOCKER-ISOLATION-STAGE-1']);
    expect(chains.status, chains.stderr).toBe(0);
    const curl = (container: string, url: string, proxy = false) =>
      on(['exec', container, 'curl', '-s', '-m', '3', ...(proxy ? [] : ['--noproxy', '*']), '-o', '/dev/null', '-w', '%{http_code}', url]).stdout;
    const hostAddresses = nodes.exec('engine', ['sh', '-c', "ip -4 -o addr show | awk '{ split($4, a, \"/\"); print a[1] }'"]).stdout.trim().split('\n').filter((a) => a !== '127.0.0.1');
    expect(hostAddresses.length).toBeGreaterThan(0);

    // The problem, shown on this engine: a container on a plain internal network reaches the host's service.
    expect(on(['network', 'create', '--internal', 'plain-internal']).status).toBe(0);
    const plain = on(['run', '-d', '--network', 'plain-internal', '--entrypoint', 'sleep', TEST_IMAGE, 'infinity']).stdout.trim();
    const plainGateway = networkGateway('plain-internal', nodes.env('engine'));
    await waitFor(() => curl(plain, `http://${plainGateway}:${HOST_SERVICE_PORT}/`) === '200', 'the host service from a plain internal network', 30_000);

    // The egress variant on the same engine: a target beside the proxy, listed by address.
    const env = composeEnv(project, { DOCKER_HOST: nodes.dockerHost('engine'), AGENTGATE_AGENT: 'sleep infinity' }, ['compose/egress.yaml']);
    expect((await dockerAsync(['compose', 'up', '-d', '--wait', 'egress'], { cwd: ROOT, env, timeoutMs: 300_000 })).status).toBe(0);
    const outer = `${project}_agentgate-outer`;
    const target = on(['run', '-d', '--network', outer, '--entrypoint', 'python3', TEST_IMAGE, '-m', 'http.server', '8000']).stdout.trim();
    const targetIp = on(['inspect', '-f', `{{(index .NetworkSettings.Networks "${outer}").IPAddress}}`, target]).stdout.trim();
    const up = await dockerAsync(['compose', 'up', '-d', '--wait', 'agent'], { cwd: ROOT, env: { ...env, AGENTGATE_EGRESS_ALLOW: `${targetIp}:8000`, AGENTGATE_EGRESS_PROBE: `${targetIp}:8000` }, timeoutMs: 300_000 });
    expect(up.status, up.stderr).toBe(0);
    const agent = docker(['compose', 'ps', '-q', 'agent'], 30_000, env).stdout.trim();
    await waitFor(() => curl(agent, `http://${targetIp}:8000/`, true) === '200', 'the listed target through the proxy', 30_000);
    // Around the proxy: the target directly, and the host's service on every address the host has.
    expect(curl(agent, `http://${targetIp}:8000/`)).toBe('000');
    const outerGateway = networkGateway(outer, nodes.env('engine'));
    for (const address of [...hostAddresses, outerGateway]) {
      expect(curl(agent, `http://${address}:${HOST_SERVICE_PORT}/`), `the host service at ${address}`).toBe('000');
    }
    // And the agent's own self-test agrees.
    const check = () => JSON.parse(on(['exec', agent, 'agentgate', 'health', '--json']).stdout || '{}').checks?.egress;
    await waitFor(() => check()?.ok === true, 'the self-test says isolated', 60_000, () => JSON.stringify(check()));
  });
});
