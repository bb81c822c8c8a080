import { resolve } from 'node:path';
import { NODE_IMAGE, TEST_IMAGE, dockerAsync, engineReachable } from './helpers/docker.js';

/**
 * Builds the test image once for every container test file (they then run side by side). Skipped when no
 * engine answers (the container files report themselves skipped, or fail under CI=true) and for runs of
 * the unit or integration tests alone.
 */
export default async function buildTestImage(): Promise<void> {
  const paths = process.argv.slice(2).filter((a) => a.startsWith('test/'));
  if (paths.length > 0 && !paths.some((p) => p.startsWith('test/container'))) return;
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
