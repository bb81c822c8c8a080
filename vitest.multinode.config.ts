import { defineConfig } from 'vitest/config';

// `make test-swarm-nodes`: the multi-node Swarm test alone (privileged Docker-in-Docker nodes, minutes).
export default defineConfig({
  test: {
    include: ['test/multinode/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 900_000,
    hookTimeout: 1_200_000,
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default'],
  },
});
