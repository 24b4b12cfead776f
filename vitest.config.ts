import { defineConfig } from 'vitest/config';

// Two projects: unit tests need nothing; integration tests get a real Kafka broker from the
// global setup (started on loopback, or the cluster named by KAFKA_BROKERS). The failover suite
// (*.failover.test.ts, on a three-node cluster) has its own config: vitest.failover.config.ts.
export default defineConfig({
  test: {
    // oidc-provider (the OAuth server of the OAUTHBEARER tests) warns on import under Node 20, which
    // it does not list; it serves those tests correctly there, as under Node 22 and 24.
    onConsoleLog: (log) => !log.startsWith('oidc-provider WARNING: Unsupported runtime'),
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts', 'test/**/*.failover.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          globalSetup: ['test/setup/kafka-global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
