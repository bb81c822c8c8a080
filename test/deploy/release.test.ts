import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT, requireEngine } from '../helpers/containers.js';

const reachable = requireEngine();

/** What `docker buildx bake --print` resolves docker-bake.hcl to, for these variables (nothing is built). */
function bakePlan(env: Record<string, string>, group = 'release') {
  const r = spawnSync('docker', ['buildx', 'bake', '-f', 'docker-bake.hcl', '--print', group], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, VERSION: '', REVISION: '', ...env },
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout).target as Record<string, { tags: string[]; platforms: string[]; args: Record<string, string>; labels?: Record<string, string> }>;
}

describe.skipIf(!reachable)('release builds (docker-bake.hcl, read by the real buildx)', () => {
  it('tags a release vX.Y.Z, vX.Y, vX, latest and sha-<commit>, for amd64 and arm64, with version and revision', () => {
    const plan = bakePlan({ VERSION: '1.4.2', REVISION: '89abcdef0123456789abcdef0123456789abcdef' });
    expect(plan.agent?.tags).toEqual([
      'docker.io/agentgate/agent:v1.4.2',
      'docker.io/agentgate/agent:v1.4',
      'docker.io/agentgate/agent:v1',
      'docker.io/agentgate/agent:latest',
      'docker.io/agentgate/agent:sha-89abcdef0123',
    ]);
    expect(plan['agent-cuda']?.tags).toEqual(plan.agent?.tags.map((t) => `${t}-cuda`));
    for (const target of Object.values(plan)) {
      expect(target.platforms).toEqual(['linux/amd64', 'linux/arm64']);
      // The Dockerfile turns these into org.opencontainers.image.version and .revision.
      expect(target.args).toMatchObject({ VERSION: '1.4.2', REVISION: '89abcdef0123456789abcdef0123456789abcdef' });
    }
  });

  it('tags a build without a version dev and sha-<commit>, never latest', () => {
    const plan = bakePlan({ REVISION: '0000000000001111111111112222222222223333' }, 'dev');
    expect(plan.agent?.tags).toEqual(['docker.io/agentgate/agent:dev', 'docker.io/agentgate/agent:sha-000000000000']);
    expect(plan.agent?.args.VERSION).toBe('0.0.0-dev');
  });

  it('builds the GPU variant on the CUDA runtime (glibc) with a glibc Node builder and the builder\'s Node', () => {
    const cuda = bakePlan({ VERSION: '1.4.2' })['agent-cuda'];
    expect(cuda?.args).toMatchObject({ NODE_IMAGE: 'node:24-bookworm-slim', RUNTIME_NODE: 'builder', RUNTIME_IMAGE: expect.stringMatching(/^nvidia\/cuda:[\d.]+-runtime-ubuntu/) });
    expect(cuda?.labels).toEqual({ 'agentgate.variant': 'cuda' });
  });
});
