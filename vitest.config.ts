import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests spawn real process trees; forks isolate them better than threads.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Container tests share one engine and one built image: run those files one at a time.
    fileParallelism: true,
    reporters: ['default'],
    onConsoleLog: () => true,
  },
});
