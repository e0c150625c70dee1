import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Git identity for runs in a sample project, so that commits and tags need no set-up. */
export const SAMPLE_GIT_ENV = {
  GIT_AUTHOR_NAME: 'TTA Demo',
  GIT_AUTHOR_EMAIL: 'demo@tta.invalid',
  GIT_COMMITTER_NAME: 'TTA Demo',
  GIT_COMMITTER_EMAIL: 'demo@tta.invalid',
} as const;

/**
 * Creates a small but real npm package in `dir`: a function, a test that measures its own line
 * coverage into coverage/coverage-summary.json, a README with a runnable example, and a git
 * repository with one commit. The main job of the README releases it with package-release.
 */
export async function createSampleProject(
  dir: string,
  options: { coverage?: number } = {},
): Promise<void> {
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify(
      {
        name: 'tta-sample-widgets',
        version: '1.0.0',
        description: 'A sample package released by the TTA package-release workflow',
        type: 'module',
        main: 'src/index.js',
        exports: './src/index.js',
        files: ['src'],
        license: 'MIT',
        scripts: { test: 'node test.js', build: 'node --check src/index.js' },
      },
      null,
      2,
    )}\n`,
  );
  await writeFile(
    join(dir, 'src', 'index.js'),
    'export const widget = (name) => `widget:${name}`;\nexport const double = (n) => n * 2;\n',
  );
  await writeFile(
    join(dir, 'test.js'),
    `import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { double, widget } from './src/index.js';

assert.equal(widget('a'), 'widget:a');
assert.equal(double(2), 4);
console.log('2 tests passed');
// A stand-in for a coverage tool's json-summary reporter.
mkdirSync('coverage', { recursive: true });
writeFileSync('coverage/coverage-summary.json', JSON.stringify({ total: { lines: { pct: ${options.coverage ?? 92.5} } } }));
`,
  );
  await writeFile(
    join(dir, 'README.md'),
    `# tta-sample-widgets

Widgets and doubling, released by the TTA package-release workflow.

\`\`\`js
import assert from 'node:assert/strict';
import { double, widget } from 'tta-sample-widgets';

assert.equal(widget('bolt'), 'widget:bolt');
assert.equal(double(21), 42);
\`\`\`
`,
  );
  await writeFile(join(dir, '.gitignore'), 'coverage/\nnode_modules/\n.tta/\n');
  await writeFile(join(dir, 'CHANGELOG.md'), '# Changelog\n');
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      env: { ...process.env, ...SAMPLE_GIT_ENV },
      stdio: 'ignore',
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'Initial commit');
}
