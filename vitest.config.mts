import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` needs no Azurite and no build (npm run test:unit); `integration` (the
 * integration and end-to-end tests) gets one Azurite for the run and a fresh dist/ when a source
 * changed. `npm test` runs both.
 */
const shared = {
  pool: 'forks' as const,
  testTimeout: 30_000,
  hookTimeout: 60_000,
  restoreMocks: true,
  setupFiles: ['tests/support/fastCheckSeed.ts'],
};

export default defineConfig({
  test: {
    reporters: ['default', './tests/support/summaryReporter.ts'],
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          globalSetup: ['tests/support/tempRoot.ts'],
        },
      },
      {
        test: {
          ...shared,
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/support/tempRoot.ts', 'tests/support/globalSetup.ts'],
        },
      },
    ],
  },
});
