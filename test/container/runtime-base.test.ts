import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, TestContainers, exec, requireEngine } from '../helpers/containers.js';
import { HARDENING, NODE_IMAGE, docker, dockerAsync, waitForHealth } from '../helpers/docker.js';

const reachable = requireEngine();
const made = new TestContainers();
const BASE = `agentgate/test-base-without-node:${process.pid}`;
const IMAGE = `agentgate/agent:test-other-base-${process.pid}`;
afterAll(() => {
  made.cleanup();
  if (reachable) docker(['image', 'rm', '-f', IMAGE, BASE]);
});

/**
 * The GPU variant's path through the Dockerfile (RUNTIME_IMAGE=<a glibc base without Node>, RUNTIME_NODE=builder),
 * on a local stand-in for the CUDA runtime image: the CUDA image itself cannot be pulled here.
 */
// The stand-in is made from a Debian (glibc) Node image: on an Alpine NODE_IMAGE, vitest reports this skipped.
const glibcBuilder = !NODE_IMAGE.includes('alpine');
describe.skipIf(!reachable || !glibcBuilder)('the image on another runtime base (the GPU variant\'s path)', () => {
  it('builds on a glibc base without Node, with the builder\'s Node, user agentgate as uid 1000, and runs hardened', async () => {
    const base = await dockerAsync(['build', '--network', 'host', '--build-arg', `BASE=${NODE_IMAGE}`, '-t', BASE, 'test/fixtures/base-without-node'], { cwd: ROOT, timeoutMs: 300_000 });
    expect(base.status, base.stderr.slice(-2000)).toBe(0);
    const build = await dockerAsync(
      ['build', '--network', 'host', '-f', 'docker/Dockerfile', '-t', IMAGE, '--build-arg', `NODE_IMAGE=${NODE_IMAGE}`, '--build-arg', `RUNTIME_IMAGE=${BASE}`, '--build-arg', 'RUNTIME_NODE=builder',
        ...(process.env.NPM_CONFIG_REGISTRY ? ['--build-arg', `NPM_CONFIG_REGISTRY=${process.env.NPM_CONFIG_REGISTRY}`] : []), '.'],
      { cwd: ROOT, timeoutMs: 600_000 },
    );
    expect(build.status, build.stderr.slice(-3000)).toBe(0);
    const facts = docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', IMAGE, '-c', 'node --version; id -un; id -u; claude --version; getent passwd ubuntu || echo no-ubuntu']);
    expect(facts.status, facts.stderr).toBe(0);
    const builderNode = docker(['run', '--rm', '--network', 'none', '--entrypoint', 'node', NODE_IMAGE, '--version']).stdout.trim();
    expect(facts.stdout.trim().split('\n')).toEqual([builderNode, 'agentgate', '1000', expect.stringMatching(/\(Claude Code\)$/), 'no-ubuntu']);

    const container = made.name('other-base');
    const run = docker(['run', '-d', '--name', container, ...HARDENING, '--health-interval', '1s', '--health-start-period', '0s', '-v', `${made.workspace()}:/workspace`, '-e', 'AGENTGATE_AGENT=sleep infinity', IMAGE]);
    expect(run.status, run.stderr).toBe(0);
    await waitForHealth(container, 'healthy', 60_000);
    expect(exec(container, ['sh', '-c', 'grep -E "^(CapEff|NoNewPrivs)" /proc/1/status']).stdout).toMatch(/CapEff:\s+0{16}\nNoNewPrivs:\s+1/);
    expect(exec(container, ['agentgate', 'health']).stdout).toMatch(/^healthy: agent running/);
    // The startup snapshot, made by the builder's Node copied in (the blob must match the node that runs it).
    expect(exec(container, ['sh', '-c', 'test -s /opt/agentgate/supervisor.blob && agentgate version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    // Longer than the container tier's 600 s: two image builds of their own, with deadlines of 300 s and 600 s.
  }, 900_000);
});
