import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Its own target (make test-swarm-nodes): privileged Docker-in-Docker nodes, minutes long.
    exclude: ['test/multinode/**', 'node_modules/**'],
    // Integration tests spawn real process trees; forks isolate them better than threads.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Container test files share one engine and one image, built once before them all.
    globalSetup: ['test/global-setup.ts'],
    fileParallelism: true,
    reporters: ['default'],
    onConsoleLog: () => true,
  },
});
