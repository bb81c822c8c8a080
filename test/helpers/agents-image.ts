import { expect } from 'vitest';
import { ROOT } from './containers.js';
import { NODE_IMAGE, TEST_IMAGE, docker, dockerAsync } from './docker.js';

/** The image with every agent built in (AGENTS), beside the Claude-only test image; built once, then reused. */
export const AGENTS_IMAGE = process.env.AGENTGATE_TEST_AGENTS_IMAGE ?? `${TEST_IMAGE}-all-agents`;

/** Builds AGENTS_IMAGE unless it exists (AGENTGATE_TEST_AGENTS_REBUILD=true builds it anyway). */
export async function ensureAgentsImage(): Promise<void> {
  if (docker(['image', 'inspect', AGENTS_IMAGE]).status === 0 && process.env.AGENTGATE_TEST_AGENTS_REBUILD !== 'true') return;
  const build = await dockerAsync(
    ['build', '--network', 'host', '-f', 'docker/Dockerfile', '-t', AGENTS_IMAGE, '--build-arg', `NODE_IMAGE=${NODE_IMAGE}`, '--build-arg', 'AGENTS=claude,codex,gemini,opencode,copilot',
      ...(process.env.NPM_CONFIG_REGISTRY ? ['--build-arg', `NPM_CONFIG_REGISTRY=${process.env.NPM_CONFIG_REGISTRY}`] : []), '.'],
    { cwd: ROOT, timeoutMs: 1_500_000 },
  );
  expect(build.status, build.stderr.slice(-3000)).toBe(0);
}
