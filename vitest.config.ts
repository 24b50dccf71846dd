import { defineConfig } from 'vitest/config';

// Two projects so that the RabbitMQ broker (test/setup/broker.ts) is only
// started when integration tests are actually selected: `vitest run test/unit`
// never touches (or installs) RabbitMQ, `vitest run` / `vitest run
// test/integration` start it (idempotent, ~0.3s when already running).
export default defineConfig({
  test: {
    // No include/exclude here: `extends: true` would concatenate them into
    // each project's own lists (unit tests would then also run as integration).
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', '.broker/**', 'test/integration/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/setup/broker.ts'],
          // Each test works in its own fresh vhost, so files may run in parallel.
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
