import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidProjectFileError } from './InvalidProjectFileError.js';
import { PROJECT_FILE, projectFileField } from './projectFileField.js';

export { PROJECT_FILE };

/** What the built-in templates need to know of a project: its ecosystem and its commands. */
export interface ProjectFacts {
  readonly ecosystem: 'javascript' | 'python' | 'unknown';
  readonly packageManager: string;
  /** Commands the templates use as `${{ project.commands.<name> }}`. */
  readonly commands: Readonly<Record<string, string>>;
  /** The project's README (README.md), whose examples package-release runs; '' when none. */
  readonly readme: string;
}

// Prints the line coverage (percent) from a coverage summary, or says how to get one and fails.
const READ_JS_COVERAGE = `node -e "const f='coverage/coverage-summary.json';if(!require('fs').existsSync(f)){console.error('error: no '+f+': make the tests write it with a json-summary coverage reporter (c8 --reporter=json-summary, vitest --coverage.reporter=json-summary, jest --coverageReporters=json-summary), or set commands.readCoverage in .tta/project.json');process.exit(1)}console.log(require('./'+f).total.lines.pct)"`;

/**
 * Detects the project in `cwd` — JavaScript/TypeScript from package.json (npm, pnpm or yarn by
 * lockfile), Python from pyproject.toml (uv when uv.lock exists) — and the commands the built-in
 * workflows run there. The version is raised by $BUMP (patch, minor, major). The commands of
 * `.tta/project.json` replace the detected ones of the same name.
 */
export function detectProject(cwd: string): ProjectFacts {
  const detected = detectFromFiles(cwd);
  const own = projectCommands(cwd);
  return own === undefined ? detected : { ...detected, commands: { ...detected.commands, ...own } };
}

/** The commands of `.tta/project.json`, if it exists; a bad file is an error naming it. */
function projectCommands(cwd: string): Record<string, string> | undefined {
  const field = projectFileField(cwd, 'commands');
  if (field === undefined) return undefined;
  const { value: commands, file } = field;
  if (
    typeof commands !== 'object' ||
    commands === null ||
    Array.isArray(commands) ||
    Object.values(commands).some((c) => typeof c !== 'string')
  )
    throw new InvalidProjectFileError(
      `${file}: "commands" must map names to command lines, e.g. { "commands": { "test": "make test" } }`,
    );
  return commands as Record<string, string>;
}

function detectFromFiles(cwd: string): ProjectFacts {
  const readme = existsSync(join(cwd, 'README.md')) ? 'README.md' : '';
  if (existsSync(join(cwd, 'package.json'))) {
    const manifest = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    };
    const pm = existsSync(join(cwd, 'pnpm-lock.yaml'))
      ? 'pnpm'
      : existsSync(join(cwd, 'yarn.lock'))
        ? 'yarn'
        : 'npm';
    const scripts = manifest.scripts ?? {};
    const run = (script: string) => `${pm} run ${script}`;
    return {
      ecosystem: 'javascript',
      packageManager: pm,
      readme,
      commands: {
        version: existsSync(join(cwd, '.changeset'))
          ? `${pm === 'npm' ? 'npx' : pm} changeset version`
          : 'npm version "$BUMP" --no-git-tag-version',
        readVersion: `node -p "require('./package.json').version"`,
        // No test script, no test command: a run must not pass its test gates on an echo.
        ...(scripts.test ? { test: run('test') } : {}),
        ...(scripts['test:coverage'] || scripts.test
          ? { testWithCoverage: run(scripts['test:coverage'] ? 'test:coverage' : 'test') }
          : {}),
        readCoverage: READ_JS_COVERAGE,
        build: scripts.build ? run('build') : 'echo "nothing to build"',
        publish: 'npm publish',
        publishDryRun: 'npm publish --dry-run',
      },
    };
  }
  if (existsSync(join(cwd, 'pyproject.toml'))) {
    const uv = existsSync(join(cwd, 'uv.lock'));
    const py = uv ? 'uv run' : 'python -m';
    return {
      ecosystem: 'python',
      packageManager: uv ? 'uv' : 'pip',
      readme,
      commands: {
        version: uv ? 'uv version --bump "$BUMP"' : 'hatch version "$BUMP"',
        readVersion: uv ? 'uv version --short' : 'hatch version',
        test: `${py} pytest`,
        testWithCoverage: `${py} pytest --cov --cov-report=json:coverage.json`,
        readCoverage: `python -c "import json;print(json.load(open('coverage.json'))['totals']['percent_covered'])"`,
        build: uv ? 'uv build' : 'python -m build',
        publish: uv ? 'uv publish' : 'twine upload dist/*',
        publishDryRun: uv ? 'uv build && echo "dry run: uv publish skipped"' : 'twine check dist/*',
      },
    };
  }
  return { ecosystem: 'unknown', packageManager: 'none', commands: {}, readme };
}
