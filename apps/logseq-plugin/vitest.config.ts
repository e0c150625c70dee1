import { defineConfig } from 'vitest/config';
import { timeZoneProjects } from '../../vitest.timeZones.js';

export default defineConfig({
  test: {
    // The Chromium test starts a browser, a run server and two static servers; CI runs every
    // package's tests at once on two cores.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // What a test waits for comes through a server and a browser: give it time under load.
    expect: { poll: { timeout: 20_000 } },
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    projects: [
      { extends: true, test: { name: 'logseq-plugin', include: ['src/**/*.test.ts'] } },
      ...timeZoneProjects([
        'src/logseq/**/*.test.ts',
        'src/journal/**/*.test.ts',
        'src/commands/**/*.test.ts',
      ]),
    ],
  },
});
