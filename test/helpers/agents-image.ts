import { expect } from 'vitest';
import { ROOT } from './containers.js';
import { NODE_IMAGE, TEST_IMAGE, dockerAsync } from './docker.js';

/** The image with every agent built in (AGENTS), beside the Claude-only test image. */
export const AGENTS_IMAGE = process.env.AGENTGATE_TEST_AGENTS_IMAGE ?? `${TEST_IMAGE}-all-agents`;

/**
 * Builds AGENTS_IMAGE from this tree every time: Docker's layer cache makes an unchanged build take seconds, and
 * an image kept from an earlier tree would test that tree's supervisor instead of this one.
 */
export async function ensureAgentsImage(): Promise<void> {
  const build = await dockerAsync(
    ['build', '--network', 'host', '-f', 'docker/Dockerfile', '-t', AGENTS_IMAGE, '--build-arg', `NODE_IMAGE=${NODE_IMAGE}`, '--build-arg', 'AGENTS=claude,codex,gemini,opencode,copilot',
      ...(process.env.NPM_CONFIG_REGISTRY ? ['--build-arg', `NPM_CONFIG_REGISTRY=${process.env.NPM_CONFIG_REGISTRY}`] : []), '.'],
    { cwd: ROOT, timeoutMs: 1_500_000 },
  );
  expect(build.status, build.stderr.slice(-3000)).toBe(0);
}
