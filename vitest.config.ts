import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/** Every tier: its own folder, and any Node warning in a test process fails the test it happened in. */
function tier(name: string, test: NonNullable<TestProjectInlineConfiguration['test']>): TestProjectInlineConfiguration {
  return { extends: true, test: { name, include: [`test/${name}/**/*.test.ts`], setupFiles: ['test/setup/fail-on-warning.ts'], ...test } };
}

// The container and multinode tiers run the image: they alone build it, once, before their first file.
const buildImage = ['test/global-setup.ts'];

export default defineConfig({
  test: {
    // Integration tests spawn real process trees; forks isolate them better than threads.
    pool: 'forks',
    fileParallelism: true,
    reporters: ['default'],
    onConsoleLog: () => true,
    // `make test` runs every tier but multinode (`--project '!multinode'`); `make test-<tier>` runs one.
    projects: [
      // Pure logic: a test that takes seconds is a bug.
      tier('unit', { testTimeout: 5_000, hookTimeout: 5_000 }),
      // The real bundle, tmux, git and sshd on this machine: each wait inside has its own shorter deadline.
      tier('integration', { testTimeout: 60_000, hookTimeout: 30_000 }),
      // Renders the chart and the release plan with the real helm, kubectl and buildx.
      tier('deploy', { testTimeout: 60_000, hookTimeout: 30_000 }),
      // The image on the real engine: compose, Swarm, podman and engines in containers take minutes; their
      // setups start Docker-in-Docker engines. One file that builds two more images sets its own longer timeout.
      tier('container', { testTimeout: 600_000, hookTimeout: 900_000, globalSetup: buildImage }),
      // `make test-swarm-nodes`: privileged Docker-in-Docker nodes, minutes long.
      tier('multinode', { testTimeout: 900_000, hookTimeout: 1_200_000, globalSetup: buildImage }),
    ],
  },
});
