import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZip } from './readZip.testkit.js';

const run = promisify(execFile);
const PLUGIN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPT = join(PLUGIN_DIR, 'scripts', 'package.mjs');

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'tta-plugin-release-'));
});
afterAll(() => rm(out, { recursive: true, force: true }));

describe('the package script (pnpm --filter logseq-plugin-tta package)', () => {
  it('makes the marketplace release: a zip of the plugin folder, its package.json, the manifest', async () => {
    const pkg = JSON.parse(await readFile(join(PLUGIN_DIR, 'package.json'), 'utf8'));
    // As in the release workflow: GitHub Actions names the repository whose releases Logseq reads.
    const { stderr } = await run(process.execPath, [SCRIPT, '--out', out], {
      env: { ...process.env, GITHUB_REPOSITORY: 'acme/tta' },
    });
    expect(stderr).toBe('');
    const zip = join(out, `logseq-plugin-tta-${pkg.version}.zip`);

    const files = await readZip(zip);
    const entries = [...files.keys()];
    expect(entries).toEqual(
      expect.arrayContaining([
        'logseq-plugin-tta/package.json',
        'logseq-plugin-tta/README.md',
        'logseq-plugin-tta/LICENSE',
        'logseq-plugin-tta/icon.svg',
        'logseq-plugin-tta/screenshot.png',
        'logseq-plugin-tta/dist/index.html',
      ]),
    );
    const bundle = entries.find((e) => /^logseq-plugin-tta\/dist\/assets\/index-.+\.js$/.test(e));
    expect(bundle).toBeDefined();
    expect(entries.filter((e) => e.endsWith('.map'))).toEqual([]);
    // Byte for byte what the build made.
    expect(files.get(bundle!)).toEqual(
      await readFile(join(PLUGIN_DIR, bundle!.replace('logseq-plugin-tta/', ''))),
    );
    expect(files.get('logseq-plugin-tta/screenshot.png')).toEqual(
      await readFile(join(PLUGIN_DIR, 'screenshot.png')),
    );

    const released = JSON.parse(files.get('logseq-plugin-tta/package.json')!.toString('utf8'));
    expect(released).toEqual({
      name: 'logseq-plugin-tta',
      version: pkg.version,
      description: pkg.description,
      license: 'MIT',
      main: 'dist/index.html',
      logseq: pkg.logseq,
    });
    expect(JSON.parse(await readFile(join(out, 'package.json'), 'utf8'))).toEqual(released);
    // The folder to submit as packages/logseq-plugin-tta/ of logseq/marketplace.
    const submission = join(out, 'marketplace', 'logseq-plugin-tta');
    expect(JSON.parse(await readFile(join(submission, 'manifest.json'), 'utf8'))).toEqual({
      title: 'TTA workflow journal',
      description: pkg.description,
      author: 'TTA contributors',
      repo: 'acme/tta',
      icon: 'icon.svg',
      supportsDB: true,
    });
    expect(await readFile(join(submission, 'icon.svg'))).toEqual(
      await readFile(join(PLUGIN_DIR, 'icon.svg')),
    );
  });

  it('says so when it cannot tell the repository the manifest must name', async () => {
    const env = { ...process.env };
    delete env.GITHUB_REPOSITORY;
    const { stderr } = await run(process.execPath, [SCRIPT, '--out', out], { env });
    expect(stderr).toContain('no "repository" in package.json and no GITHUB_REPOSITORY');
    const manifest = join(out, 'marketplace', 'logseq-plugin-tta', 'manifest.json');
    expect(JSON.parse(await readFile(manifest, 'utf8'))).toMatchObject({ repo: '' });
  });

  it('refuses a bad command line with exit code 2', async () => {
    const failed = await run(process.execPath, [SCRIPT, '--out']).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain('usage: node scripts/package.mjs');
  });
});
