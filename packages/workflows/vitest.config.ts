import { defineConfig } from 'vitest/config';
import { timeZoneProjects } from '../../vitest.timeZones.js';

export default defineConfig({
  test: {
    // Some tests spawn real processes (the CLI, git, npm); CI runs every package at once on two cores.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    projects: [
      { extends: true, test: { name: 'workflows', include: ['src/**/*.test.ts'] } },
      ...timeZoneProjects(['src/journal/**/*.test.ts']),
    ],
  },
});
