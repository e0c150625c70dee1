import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The release can only run on GitHub, so what ties its parts together is checked here: the tag
// changesets makes for the plugin starts the workflow, and the workflow releases what the
// package script makes.
const PLUGIN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = resolve(PLUGIN_DIR, '..', '..');
const read = async (file: string) => readFile(join(ROOT, file), 'utf8');

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, string>;
}

const workflow = parse(await read('.github/workflows/logseq-plugin-release.yml')) as {
  on: { push: { tags: string[] } };
  permissions: Record<string, string>;
  jobs: { release: { steps: Step[] } };
};
const pkg = JSON.parse(await read('apps/logseq-plugin/package.json'));
const runs = workflow.jobs.release.steps.flatMap((s) => (s.run ? [s.run] : []));

describe('the plugin release workflow (.github/workflows/logseq-plugin-release.yml)', () => {
  it('starts on the tag that `changeset publish` makes for the plugin, a private package', async () => {
    const changesets = JSON.parse(await read('.changeset/config.json'));
    expect(pkg.private).toBe(true);
    expect(changesets.privatePackages).toEqual({ version: true, tag: true });
    // changesets tags a package `<name>@<version>`; GitHub's `*` matches any text without "/".
    expect(workflow.on.push.tags).toEqual([`${pkg.name}@*`]);
  });

  it('builds the plugin with what it uses, packages it, and releases the zip as the latest', () => {
    expect(runs).toContain('pnpm --filter "logseq-plugin-tta..." build');
    expect(runs).toContain('pnpm --filter logseq-plugin-tta package');
    expect(pkg.scripts.package).toBe('node scripts/package.mjs');
    const release = runs.find((r) => r.startsWith('gh release create'));
    // Logseq installs the first .zip of the repository's latest release.
    expect(release).toContain('--latest');
    expect(release).toContain('apps/logseq-plugin/release/*.zip');
    expect(workflow.permissions).toEqual({ contents: 'write' });
  });

  it('keeps the folder to submit to logseq/marketplace', () => {
    const upload = workflow.jobs.release.steps.find((s) =>
      s.uses?.startsWith('actions/upload-artifact'),
    );
    expect(upload?.with?.path).toBe('apps/logseq-plugin/release/marketplace/');
  });
});
