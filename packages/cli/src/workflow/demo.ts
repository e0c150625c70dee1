import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSampleProject, SAMPLE_GIT_ENV } from '@tta-dev/workflows';
import { parse } from '../args.js';
import { colors, eprintln, type Io, println } from '../Io.js';
import { loadRegistry } from '../persona/_registry.js';
import { withEngine } from './_engine.js';
import { loadNamedWorkflow } from './_workflows.js';
import { formatMetrics } from './formatMetrics.js';
import { progressPrinter } from './progress.js';

export const demoHelp = `Usage: tta workflow demo [--keep] [--coverage N] [--json]

Releases a sample npm package with the built-in package-release workflow, for real and with
nothing to set up: it creates the package in a temporary folder (git repository, tests with
coverage), runs version → tests and coverage gate → build, tag and "npm publish --dry-run" under
the backend, testing and devops personas, completes the release-notes step as a person would
("tta workflow complete"), resumes the run, and prints its metrics. Personas are switched in a
temporary TTA_HOME, so yours is left alone.

Options:
  --keep         keep the temporary folder (its path is printed) to look at the run
  --coverage N   the sample's line coverage (default 92.5; under 80 shows the gate stopping it)
  --json         print the events as JSON lines on stdout
  -h, --help`;

export async function demo(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parse('tta workflow demo', argv, {
    keep: { type: 'boolean' },
    coverage: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    println(io, demoHelp);
    return 0;
  }
  const root = await mkdtemp(join(tmpdir(), 'tta-demo-'));
  const project = join(root, 'tta-sample-widgets');
  const c = colors(io, io.stderr);
  try {
    await createSampleProject(
      project,
      values.coverage === undefined ? {} : { coverage: Number(values.coverage) },
    );
    eprintln(io, c.dim(`sample package: ${project}`));
    const demoIo: Io = {
      ...io,
      cwd: project,
      env: {
        ...io.env,
        ...SAMPLE_GIT_ENV,
        TTA_HOME: join(root, 'tta-home'),
        npm_config_cache: join(root, 'npm-cache'),
      },
    };
    const registry = await loadRegistry(demoIo);
    const { workflow } = await loadNamedWorkflow(demoIo, 'package-release', registry);
    const result = await withEngine(
      demoIo,
      registry,
      progressPrinter(io, values.json === true),
      async (engine) => {
        const first = await engine.start(workflow, { bump: 'minor' }, 'demo-release');
        if (first.status !== 'suspended') return first;
        eprintln(
          io,
          c.dim(
            '→ completing the release notes as a person would: tta workflow complete demo-release release-notes',
          ),
        );
        await engine.complete(
          'demo-release',
          'release-notes',
          '## v1.1.0\n\n- `double(n)` joins `widget(name)`.\n\nThanks to everyone who tested it.',
          {
            by: 'demo',
          },
        );
        return engine.resume('demo-release', workflow);
      },
    );
    if (!values.json) {
      const done = result.events.find((e) => e.type === 'run_completed');
      println(
        io,
        done?.type === 'run_completed'
          ? `package-release ${result.status}: ${formatMetrics(done.metrics)}`
          : `package-release ${result.status}`,
      );
    }
    return result.status === 'completed' ? 0 : 1;
  } finally {
    if (values.keep) eprintln(io, `kept: ${root}`);
    else await rm(root, { recursive: true, force: true });
  }
}
