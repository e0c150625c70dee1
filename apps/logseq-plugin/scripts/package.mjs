// Makes the release assets the Logseq marketplace expects of a plugin: a zip holding one folder
// named after the plugin with package.json, the built dist/, the icon, README, screenshot and
// LICENSE (what Logseq installs), plus package.json on its own, and the folder to submit to
// github.com/logseq/marketplace as packages/<id>/: manifest.json with the icon beside it.
// The manifest's "repo" comes from package.json's "repository", else from GITHUB_REPOSITORY
// (set in GitHub Actions), the repository whose latest release Logseq installs.
//
// Usage: node scripts/package.mjs [--out <folder>]   (default: release/; run the build first)

import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipFolder } from './zip.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
if (
  args.some((a, i) => a !== '--out' && i !== outIndex + 1) ||
  (outIndex >= 0 && !args[outIndex + 1])
)
  fail('usage: node scripts/package.mjs [--out <folder>]', 2);
const out = resolve(outIndex >= 0 ? args[outIndex + 1] : join(root, 'release'));

const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
const id = pkg.logseq?.id;
if (!id) fail(`${join(root, 'package.json')}: the "logseq.id" field is missing`, 2);
for (const file of [pkg.logseq.main, pkg.logseq.icon, 'README.md', 'LICENSE', 'screenshot.png'])
  if (!existsSync(join(root, file)))
    fail(
      `${join(root, file)} is missing${file === pkg.logseq.main ? ': run `pnpm --filter logseq-plugin-tta build` first' : ''}`,
      1,
    );

// What Logseq reads of package.json; workspace dependencies mean nothing outside this repository.
const released = {
  name: pkg.name,
  version: pkg.version,
  description: pkg.description,
  license: pkg.license,
  ...(pkg.author ? { author: pkg.author } : {}),
  ...(pkg.repository ? { repository: pkg.repository } : {}),
  main: pkg.main,
  logseq: pkg.logseq,
};
const manifest = {
  title: pkg.logseq.title,
  description: pkg.description,
  author: pkg.author ?? 'TTA contributors',
  repo: repoOf(pkg.repository) ?? process.env.GITHUB_REPOSITORY ?? '',
  icon: pkg.logseq.icon.replace(/^\.\//, ''),
  supportsDB: pkg.logseq.supportsDB === true,
};

const staging = await mkdtemp(join(tmpdir(), 'tta-logseq-release-'));
try {
  const folder = join(staging, id);
  await mkdir(folder);
  await writeFile(join(folder, 'package.json'), `${JSON.stringify(released, null, 2)}\n`);
  for (const file of ['README.md', 'LICENSE', 'screenshot.png', pkg.logseq.icon])
    await cp(join(root, file), join(folder, file));
  await cp(join(root, 'dist'), join(folder, 'dist'), {
    recursive: true,
    // Source maps point into this repository: of no use to Logseq.
    filter: (source) => !source.endsWith('.map'),
  });
  const zipName = `${id}-${pkg.version}.zip`;
  await mkdir(out, { recursive: true });
  // Written beside, then renamed: a reader never sees half a file.
  const partial = join(out, `${zipName}.${process.pid}.tmp`);
  await zipFolder(folder, staging, partial);
  await rename(partial, join(out, zipName));
  await writeAtomically(join(out, 'package.json'), `${JSON.stringify(released, null, 2)}\n`);
  const submission = join(out, 'marketplace', id);
  await mkdir(submission, { recursive: true });
  await writeAtomically(
    join(submission, 'manifest.json'),
    `${JSON.stringify(manifest, null, 2)}\n`,
  );
  await cp(join(root, pkg.logseq.icon), join(submission, manifest.icon));
  console.log(`${join(out, zipName)}\n${join(out, 'package.json')}\n${submission}/`);
  if (manifest.repo === '')
    console.error(
      'note: no "repository" in package.json and no GITHUB_REPOSITORY: set one before submitting manifest.json (its "repo" is "<owner>/<name>")',
    );
} finally {
  await rm(staging, { recursive: true, force: true });
}

async function writeAtomically(file, text) {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}

function repoOf(repository) {
  const url = typeof repository === 'string' ? repository : repository?.url;
  return url?.match(/github\.com[/:]([^/]+\/[^/.]+)/)?.[1];
}

function fail(message, code) {
  console.error(`package: ${message}`);
  process.exit(code);
}
