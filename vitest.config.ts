import { defineConfig } from 'vitest/config';

// Projects, so that the RabbitMQ broker (test/setup/broker.ts) is only
// started when integration tests are actually selected (and the cluster's
// nodes only when cluster.test.ts is): `vitest run test/unit`
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
          exclude: ['**/node_modules/**', 'test/integration/cluster.test.ts', 'test/integration/fresh-broker.test.ts'],
          // Starts the node of the series WARREN_BROKER_SERIES names (3.10 by default;
          // `npm run test:latest` / `test:4.0` run this project on a 4.x node).
          globalSetup: ['test/setup/broker.ts'],
          // Each test works in its own fresh vhost, so files may run in parallel.
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        // A 3-node cluster of its own (scripts/broker.sh cluster-start, in the
        // file's beforeAll; of the series WARREN_BROKER_SERIES names), booted
        // after every other file has finished: on two cores, three more nodes
        // starting would slow the other tests.
        extends: true,
        test: {
          name: 'cluster',
          // fresh-broker.test.ts restarts a node of its own: after the others too
          include: ['test/integration/cluster.test.ts', 'test/integration/fresh-broker.test.ts'],
          sequence: { groupOrder: 1 },
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
