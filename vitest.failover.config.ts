import { defineConfig } from 'vitest/config';

// The failover suite: `tagspace run` on a three-node KRaft cluster whose nodes the tests kill and
// restart (test/setup/kafka-cluster-setup.ts starts it). Kept out of `npm test`: it takes minutes.
// Run it with `npm run test:failover`.
export default defineConfig({
  test: {
    name: 'failover',
    include: ['test/**/*.failover.test.ts'],
    globalSetup: ['test/setup/kafka-cluster-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
