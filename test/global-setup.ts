import { resolve } from 'node:path';
import { NODE_IMAGE, TEST_IMAGE, dockerAsync, engineReachable } from './helpers/docker.js';

/**
 * Builds the test image once before the container (or multinode) tier's files, which then run side by side.
 * vitest.config.ts names it only for those tiers, and vitest runs a tier's global setup only when that tier
 * has files to run. Skipped when no engine answers (the container files report themselves skipped, or fail
 * under CI=true).
 */
export default async function buildTestImage(): Promise<void> {
  if (!engineReachable()) return;
  const started = Date.now();
  const build = await dockerAsync(
    ['build', '--network', 'host', '-f', 'docker/Dockerfile', '-t', TEST_IMAGE, '--build-arg', `NODE_IMAGE=${NODE_IMAGE}`,
      ...(process.env.NPM_CONFIG_REGISTRY ? ['--build-arg', `NPM_CONFIG_REGISTRY=${process.env.NPM_CONFIG_REGISTRY}`] : []), '.'],
    { cwd: resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..'), timeoutMs: 900_000 },
  );
  if (build.status !== 0) throw new Error(`building ${TEST_IMAGE} failed:\n${build.stderr.slice(-3000)}`);
  console.info(`built ${TEST_IMAGE} on ${NODE_IMAGE} in ${Math.round((Date.now() - started) / 1000)} s`);
}
