import { createRequire } from 'node:module';

/**
 * This package's version. The build writes the literal into dist/version.js
 * (scripts/inline-version.mjs), so that a command need not read package.json to start; from the
 * sources (tests), or if the build did not, it is read here.
 */
export const VERSION: string = (
  createRequire(import.meta.url)('../package.json') as { version: string }
).version;
