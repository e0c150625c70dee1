import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VERSION } from './version.js';

const { version } = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};

describe('VERSION', () => {
  it('is the version in package.json', () => {
    expect(VERSION).toBe(version);
  });

  it('is written into the build as a literal, so that no command reads package.json to start', async () => {
    // Tests run after the build (turbo's test task depends on it).
    const built = new URL('../dist/version.js', import.meta.url);
    expect(readFileSync(built, 'utf8')).toContain(
      `export const VERSION = ${JSON.stringify(version)};`,
    );
    expect(((await import(built.href)) as { VERSION: string }).VERSION).toBe(version);
  });
});
