// Inlines the o200k_base encoding of gpt-tokenizer into dist/policy/tokens.js, so that the
// published package carries that one encoding (about 2 MB) instead of depending on
// gpt-tokenizer, which installs every encoding (55 MB). gpt-tokenizer is MIT-licensed: its notice
// goes with the code.
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const manifest = require.resolve('gpt-tokenizer/package.json');
const { version } = JSON.parse(await readFile(manifest, 'utf8'));
const licence = await readFile(new URL('LICENSE', `file://${manifest}`), 'utf8');

await build({
  entryPoints: ['dist/policy/tokens.js'],
  outfile: 'dist/policy/tokens.js',
  allowOverwrite: true,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Only gpt-tokenizer is inlined; every other import stays an import.
  plugins: [
    {
      name: 'only-gpt-tokenizer',
      setup(b) {
        b.onResolve({ filter: /.*/ }, (args) =>
          args.kind === 'entry-point' ||
          args.path.startsWith('gpt-tokenizer') ||
          (args.path.startsWith('.') && args.importer.includes('gpt-tokenizer'))
            ? undefined
            : { path: args.path, external: true },
        );
      },
    },
  ],
  banner: {
    js: `/* The o200k_base encoding of gpt-tokenizer ${version}, inlined.\n${licence.trim()}\n*/`,
  },
  legalComments: 'inline',
  sourcemap: false,
  logLevel: 'warning',
});
// tsc's map is of the file before the bundling.
await rm('dist/policy/tokens.js.map', { force: true });
