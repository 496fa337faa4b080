import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite holds ~1 GB per instance and chromium/LibreOffice are heavy: keep parallelism modest on 2 cores.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
