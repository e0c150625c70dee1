import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaRegistry, PersonaStore } from '@tta-dev/personas';
import {
  BUILTIN_TEMPLATES_DIR,
  createSampleProject,
  detectProject,
  FileRunStore,
  loadWorkflowFile,
  type RunEvent,
  SAMPLE_GIT_ENV,
  WorkflowEngine,
} from '@tta-dev/workflows';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_GITHUB_TOKEN, type FakeGitHub, startFakeGitHub } from '../github/github.testkit.js';
import { type FakeLoki, pushLogs, startFakeLoki } from '../loki/loki.testkit.js';
import {
  type LocalPrometheus,
  type LocalServer,
  startExporter,
  startPrometheus,
  waitFor,
} from '../prometheus/prometheus.testkit.js';
import { queryPrometheus } from '../prometheus/queryPrometheus.js';
import { createStepRunners } from './createStepKinds.js';
import { runError, stepOutput } from './workflowRun.testkit.js';

/** Variables that would change what the templates do: the developer's or the CI's own. */
const OUTSIDE = [
  'PROMETHEUS_URL',
  'LOKI_URL',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GITHUB_API_URL',
  'GITHUB_REPOSITORY',
  'GITHUB_SERVER_URL',
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tta-templates-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

/**
 * Runs a built-in template on the sample package with integrations' step runners, completing
 * each agent step as a person would.
 */
async function runToEnd(
  name: string,
  inputs: Record<string, unknown>,
  options: {
    env?: Record<string, string>;
    coverage?: number;
    prepare?: (project: string) => void;
    /** Does the work of an agent step before it is completed (the fix of incident-response). */
    onSuspended?: (step: string, project: string) => void;
  } = {},
) {
  const project = join(dir, 'project');
  await createSampleProject(
    project,
    options.coverage === undefined ? {} : { coverage: options.coverage },
  );
  options.prepare?.(project);
  const registry = await PersonaRegistry.load({ home: join(dir, 'home'), cwd: project });
  const workflow = await loadWorkflowFile(join(BUILTIN_TEMPLATES_DIR, `${name}.workflow.yaml`), {
    registry,
  });
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !OUTSIDE.includes(k)),
  );
  const env = {
    ...base,
    ...SAMPLE_GIT_ENV,
    npm_config_cache: join(dir, 'npm-cache'),
    ...options.env,
  };
  const engine = new WorkflowEngine({
    store: new FileRunStore({ cwd: project }),
    registry,
    personaStore: new PersonaStore({ home: join(dir, 'home') }),
    cwd: project,
    env,
    project: detectProject(project),
    runners: createStepRunners({ env }),
  });
  const completed: string[] = [];
  let result = await engine.start(workflow, inputs, name);
  while (result.status === 'suspended') {
    const waiting = [...result.events].reverse().find((e) => e.type === 'step_suspended');
    if (waiting?.type !== 'step_suspended') throw new Error('suspended without a waiting step');
    completed.push(waiting.step);
    options.onSuspended?.(waiting.step, project);
    await engine.complete(name, waiting.step, `done: ${waiting.step}`, { by: 'test' });
    result = await engine.resume(name, workflow);
  }
  return { result, completed, project };
}

const instructionsOf = (events: readonly RunEvent[], step: string) => {
  const e = events.find((x) => x.type === 'step_suspended' && x.step === step);
  return e?.type === 'step_suspended' ? e.instructions : '';
};

describe('package-release with the git and github steps', () => {
  it('tags with git and says the GitHub release is not configured without a token', async () => {
    const { result, completed, project } = await runToEnd('package-release', { bump: 'minor' });
    expect(runError(result.events)).toBeUndefined();
    expect(result.status).toBe('completed');
    expect(completed).toEqual(['release-notes']);
    const head = git(project, 'rev-parse', 'HEAD');
    expect(stepOutput(result.events, 'tag')).toEqual({
      tag: 'v1.1.0',
      commit: head,
      annotated: true,
      created: true,
    });
    expect(git(project, 'tag', '-l', '--format=%(objecttype) %(contents:subject)', 'v1.1.0')).toBe(
      'tag Release v1.1.0',
    );
    expect(stepOutput(result.events, 'push')).toEqual({ skipped: true });
    expect(stepOutput(result.events, 'github-release')).toEqual({
      configured: false,
      action: 'release',
      reason: 'GITHUB_TOKEN (or GH_TOKEN) is not set, so nothing was done on GitHub',
    });
    expect(
      result.events.find((e) => e.type === 'gate_passed' && e.gate === 'tagged'),
    ).toBeDefined();
  });

  it("runs the README's examples in the sandbox, importing the package, and gates on them", async () => {
    const passing = await runToEnd('package-release', {});
    expect(stepOutput(passing.result.events, 'readme-examples')).toMatchObject({
      file: join(passing.project, 'README.md'),
      ok: true,
      passed: 1,
      failed: 0,
    });
    await rm(dir, { recursive: true, force: true });
    const { result } = await runToEnd(
      'package-release',
      {},
      {
        prepare: (project) => {
          appendFileSync(
            join(project, 'README.md'),
            "\n```js\nimport { double } from 'tta-sample-widgets';\nif (double(2) !== 5) process.exit(3);\n```\n",
          );
          execFileSync('git', ['commit', '-qam', 'A wrong example'], {
            cwd: project,
            env: { ...process.env, ...SAMPLE_GIT_ENV },
          });
        },
      },
    );
    expect(runError(result.events)).toBeUndefined();
    expect(result.status).toBe('gate_failed');
    expect(result.events.find((e) => e.type === 'gate_failed')).toMatchObject({
      gate: 'readme-examples-pass',
      reason: '1 is not ≤ 0',
    });
    expect(result.events.some((e) => e.type === 'stage_started' && e.stage === 'ship')).toBe(false);
  });

  describe('with a token, against a stand-in for the GitHub API', () => {
    let github: FakeGitHub;
    beforeEach(async () => {
      github = await startFakeGitHub();
    });
    afterEach(() => github.close());

    it('drafts the release of the tag with the notes, at the tagged commit', async () => {
      const { result, project } = await runToEnd(
        'package-release',
        { bump: 'minor' },
        {
          env: { GITHUB_TOKEN: FAKE_GITHUB_TOKEN, GITHUB_API_URL: github.url },
          prepare: (p) => git(p, 'remote', 'add', 'origin', 'https://github.com/acme/widgets.git'),
        },
      );
      expect(result.status).toBe('completed');
      expect(stepOutput(result.events, 'github-release')).toMatchObject({
        configured: true,
        repo: 'acme/widgets',
        tag: 'v1.1.0',
        draft: true,
        created: true,
      });
      expect(github.releases).toEqual([
        expect.objectContaining({
          tag_name: 'v1.1.0',
          name: 'v1.1.0',
          body: 'done: release-notes',
          target_commitish: git(project, 'rev-parse', 'v1.1.0^{commit}'),
          draft: true,
        }),
      ]);
    });
  });
});

/** What a commit changed, as git says. */
const filesOf = (project: string, ref: string) =>
  git(project, 'show', '--name-only', '--format=', ref).split('\n').filter(Boolean).sort();

/**
 * A project as a stranger has it: tta's folder not ignored (the runs store its own ignore file),
 * a file changed and a new file lying about, neither part of the release or the fix.
 */
function strangersProject(project: string, changeTracked: boolean): void {
  writeFileSync(join(project, '.gitignore'), 'coverage/\nnode_modules/\n');
  git(project, 'add', '.gitignore');
  execFileSync('git', ['commit', '-qm', 'Track everything'], {
    cwd: project,
    env: { ...process.env, ...SAMPLE_GIT_ENV },
  });
  writeFileSync(join(project, 'notes.txt'), 'my own notes, not for any commit\n');
  if (changeTracked) appendFileSync(join(project, 'CHANGELOG.md'), '\n- work in progress\n');
}

describe('the commits of the built-ins hold only what their stage changed', () => {
  it("package-release commits the version bump alone: no run log, lease or stranger's file", async () => {
    const { result, project } = await runToEnd(
      'package-release',
      { bump: 'minor' },
      { prepare: (p) => strangersProject(p, false) },
    );
    expect(runError(result.events)).toBeUndefined();
    expect(result.status).toBe('completed');
    expect(git(project, 'log', '-1', '--format=%s', 'v1.1.0')).toBe('chore(release): v1.1.0');
    expect(filesOf(project, 'v1.1.0^{commit}')).toEqual(['package.json']);
    expect(stepOutput(result.events, 'release-commit')).toMatchObject({ files: ['package.json'] });
    // The run's own folder is ignored by git, and the user's file is left as it was.
    expect(readFileSync(join(project, '.tta', 'runs', '.gitignore'), 'utf8')).toContain('*');
    expect(git(project, 'status', '--porcelain', '--untracked-files=all')).toBe('?? notes.txt');
  });

  it('incident-response commits the fix alone, with changes made before the run left out', async () => {
    const { result, project } = await runToEnd(
      'incident-response',
      { title: 'Doubling is off', severity: 'p3' },
      {
        prepare: (p) => strangersProject(p, true),
        onSuspended: (step, p) => {
          if (step !== 'reproduce-and-fix') return;
          writeFileSync(
            join(p, 'src', 'index.js'),
            "export const widget = (name) => 'widget:' + name;\nexport const double = (n) => 2 * n;\n",
          );
          writeFileSync(join(p, 'regression.test.js'), 'export {};\n');
        },
      },
    );
    expect(runError(result.events)).toBeUndefined();
    expect(result.status).toBe('completed');
    expect(instructionsOf(result.events, 'diagnosis')).toContain('Escalation: file a ticket.');
    expect(git(project, 'branch', '--show-current')).toBe('hotfix/incident');
    expect(git(project, 'log', '-1', '--format=%s')).toBe('fix: Doubling is off');
    expect(filesOf(project, 'HEAD')).toEqual(['regression.test.js', 'src/index.js']);
    expect(git(project, 'status', '--porcelain', '--untracked-files=all')).toBe(
      'M CHANGELOG.md\n?? notes.txt',
    );
  });
});

describe('package-release gates on coverage', () => {
  it('stops at the coverage gate when coverage is under the threshold', async () => {
    const { result } = await runToEnd('package-release', {}, { coverage: 61 });
    expect(result.status).toBe('gate_failed');
    expect(result.events.find((e) => e.type === 'gate_failed')).toMatchObject({
      gate: 'coverage-threshold',
      reason: '61 is not ≥ 80',
    });
  });
});

describe('incident-response with a real Prometheus and a Loki', () => {
  let exporter: LocalServer;
  let prometheus: LocalPrometheus;
  let loki: FakeLoki;
  beforeAll(async () => {
    exporter = await startExporter();
    prometheus = await startPrometheus(`127.0.0.1:${exporter.port}`);
    loki = await startFakeLoki();
    const now = Date.now();
    await pushLogs(loki.url, { job: 'checkout' }, [
      { time: new Date(now - 120_000), line: 'level=info msg="GET /checkout 200"' },
      {
        time: new Date(now - 60_000),
        line: 'level=ERROR msg="GET /checkout 500: upstream timeout"',
      },
      { time: new Date(now - 30_000), line: 'level=error msg="POST /cart 500: db refused"' },
    ]);
    const stored = 'count_over_time(http_requests_total{status="500"}[1m])';
    await waitFor(
      async () => ((await queryPrometheus({ url: prometheus.url, query: stored })).value ?? 0) >= 4,
      60_000,
    );
  }, 300_000);
  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
    await loki?.close();
  });

  const incident = (maxErrorRate: number) =>
    runToEnd(
      'incident-response',
      { title: 'API 500s on /checkout', severity: 'p1', lokiUrl: loki.url, maxErrorRate },
      { env: { PROMETHEUS_URL: prometheus.url } },
    );

  it('snapshots the error rate, latency and error logs, and gates the recovery on them', async () => {
    const { result, completed } = await incident(0.2);
    expect(runError(result.events)).toBeUndefined();
    expect(result.status).toBe('completed');
    expect(completed).toEqual([
      'diagnosis',
      'reproduce-and-fix',
      'deploy',
      'recovery',
      'post-mortem',
    ]);
    expect((stepOutput(result.events, 'metrics-snapshot') as { value: number }).value).toBeCloseTo(
      0.1,
      9,
    );
    expect((stepOutput(result.events, 'latency-snapshot') as { value: number }).value).toBeCloseTo(
      0.5,
      9,
    );
    expect(stepOutput(result.events, 'logs-snapshot')).toMatchObject({
      count: 2,
      lines: [
        { labels: { job: 'checkout' }, line: 'level=error msg="POST /cart 500: db refused"' },
        { line: 'level=ERROR msg="GET /checkout 500: upstream timeout"' },
      ],
    });
    expect(stepOutput(result.events, 'logs-after')).toMatchObject({ value: 2 });
    expect(instructionsOf(result.events, 'diagnosis')).toMatch(
      /Measured: error rate 0\.(1|0999\d*)\d*,\s+p95 latency 0\.(5|4999\d*)\d* s,\s+2 error log lines in 30 minutes/,
    );
    expect(instructionsOf(result.events, 'recovery')).toMatch(
      /\(limit 0\.2\), 2 error log lines in ten minutes/,
    );
    const recovered = result.events.find((e) => e.type === 'gate_passed' && e.gate === 'recovered');
    expect(recovered).toMatchObject({ reason: expect.stringMatching(/ is ≤ 0\.2$/) });
  });

  it('stops at the recovery gate while the error rate is over the limit', async () => {
    const { result } = await incident(0.05);
    expect(runError(result.events)).toBeUndefined();
    expect(result.status).toBe('gate_failed');
    const failed = result.events.find((e) => e.type === 'gate_failed');
    expect(failed).toMatchObject({
      gate: 'recovered',
      reason: expect.stringMatching(/ is not ≤ 0\.05$/),
    });
  });

  it('skips the measurements, and the gate, when neither URL is configured', async () => {
    const { result } = await runToEnd('incident-response', { title: 'Slow pages', severity: 'p3' });
    expect(result.status).toBe('completed');
    for (const step of [
      'metrics-snapshot',
      'latency-snapshot',
      'logs-snapshot',
      'metrics-after',
      'logs-after',
    ])
      expect(stepOutput(result.events, step)).toEqual({ skipped: true });
    expect(instructionsOf(result.events, 'diagnosis')).toContain(
      'Measured: error rate not measured (no Prometheus),',
    );
    expect(
      result.events.find((e) => e.type === 'gate_passed' && e.gate === 'recovered'),
    ).toMatchObject({
      reason: expect.stringContaining('not checked'),
    });
  });
});
