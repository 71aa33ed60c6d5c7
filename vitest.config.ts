import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests of pure logic, and end-to-end tests that drive a real kind
// cluster brought up by the lab itself. The e2e tests share one cluster, so they run one file
// at a time.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          // One file at a time: the e2e tests share one cluster.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 10 * 60_000,
          hookTimeout: 30 * 60_000,
          globalSetup: ['test/e2e/global-setup.ts'],
        },
      },
    ],
  },
});
