import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One NATS server for the run; test files share it and keep apart through uniqueName().
    globalSetup: ['test/global-setup.ts'],
    // Integration tests start processes and move real data through NATS on 2 shared cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    // Child processes (worker processes, the embedded server) and process-wide signal hooks are
    // safer in forked processes than in worker threads.
    pool: 'forks',
  },
});
