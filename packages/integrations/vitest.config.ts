import { defineConfig } from 'vitest/config';
import { timeZoneProjects } from '../../vitest.timeZones.js';

export default defineConfig({
  test: {
    testTimeout: 300_000,
    hookTimeout: 300_000,
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    projects: [
      { extends: true, test: { name: 'integrations', include: ['src/**/*.test.ts'] } },
      ...timeZoneProjects(['src/logseq/**/*.test.ts']),
    ],
  },
});
