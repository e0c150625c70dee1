// Replaces dist/version.js with the version as a literal (see src/version.ts): one module and no
// package.json read at every start of tta and tta-persona.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
writeFileSync(
  new URL('../dist/version.js', import.meta.url),
  `// Written by scripts/inline-version.mjs from package.json.\nexport const VERSION = ${JSON.stringify(version)};\n`,
);
// The map described the module the build replaced.
rmSync(new URL('../dist/version.js.map', import.meta.url), { force: true });
