#!/usr/bin/env node
// Puts `tta` and `tta-persona` on PATH from a clone, as npm would install them from the registry:
// packs each workspace package with `pnpm pack` (so `workspace:*` becomes a real version) and
// installs the tarballs together with `npm install --global`.
//
//   node scripts/install-cli.mjs [--prefix DIR] [--no-build]
//
// --prefix DIR   install under DIR (bins in DIR/bin) instead of npm's global prefix
// --no-build     use the packages' dist/ as they are (the default builds them first)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Every package the CLI needs, the CLI last; each is installed from its own tarball. */
export const CLI_PACKAGES = [
  '@tta-dev/core',
  '@tta-dev/personas',
  '@tta-dev/workflows',
  '@tta-dev/integrations',
  '@tta-dev/cli',
];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const windows = process.platform === 'win32';

function fail(message) {
  process.stderr.write(`install-cli: ${message}\n`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: ['ignore', options.capture ? 'pipe' : 'inherit', 'inherit'],
    encoding: 'utf8',
    shell: windows,
  });
  if (result.error) fail(`cannot run ${command}: ${result.error.message}`);
  if (result.status !== 0) fail(`"${command} ${args.join(' ')}" failed (exit ${result.status})`);
  return result.stdout ?? '';
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      prefix: { type: 'string' },
      'no-build': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  process.stderr.write(
    `install-cli: ${error.message}\nUsage: node scripts/install-cli.mjs [--prefix DIR] [--no-build]\n`,
  );
  process.exit(2);
}
if (values.help) {
  process.stdout.write('Usage: node scripts/install-cli.mjs [--prefix DIR] [--no-build]\n');
  process.exit(0);
}

const prefixArgs = values.prefix === undefined ? [] : ['--prefix', resolve(values.prefix)];
if (!values['no-build'])
  run('pnpm', ['turbo', 'run', 'build', ...CLI_PACKAGES.map((name) => `--filter=${name}`)]);

const packs = mkdtempSync(join(tmpdir(), 'tta-packs-'));
try {
  for (const name of CLI_PACKAGES)
    run('pnpm', ['--filter', name, 'pack', '--pack-destination', packs], { capture: true });
  const tarballs = readdirSync(packs)
    .filter((file) => file.endsWith('.tgz'))
    .map((file) => join(packs, file));
  if (tarballs.length !== CLI_PACKAGES.length)
    fail(`expected ${CLI_PACKAGES.length} tarballs in ${packs}, found ${tarballs.length}`);
  run('npm', ['install', '--global', '--no-fund', '--no-audit', ...prefixArgs, ...tarballs]);
} finally {
  rmSync(packs, { recursive: true, force: true });
}

const prefix =
  values.prefix === undefined
    ? run('npm', ['prefix', '--global'], { capture: true }).trim()
    : resolve(values.prefix);
const bin = windows ? prefix : join(prefix, 'bin');
const onPath = (process.env.PATH ?? '').split(delimiter).some((dir) => resolve(dir) === bin);
const lines = [
  '',
  `Installed tta and tta-persona in ${bin}`,
  onPath
    ? 'That folder is on your PATH: run "tta --version" from any folder.'
    : `That folder is not on your PATH: add it (export PATH="${bin}${delimiter}$PATH") or run ${join(bin, 'tta')}.`,
  `To remove them: npm uninstall --global ${prefixArgs.join(' ')}${prefixArgs.length ? ' ' : ''}${CLI_PACKAGES.join(' ')}`,
  '',
];
process.stdout.write(lines.join('\n'));
