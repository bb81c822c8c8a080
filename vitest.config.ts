import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
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
