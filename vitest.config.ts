import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**'],
    // PGlite boots take ~1 s and the machine has 2 cores: keep files in parallel pairs.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    // The default output, plus every skipped test with its reason (test/skipped-reporter.ts).
    reporters: ['default', './test/skipped-reporter.ts'],
  },
});
