import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSampleProject, SAMPLE_GIT_ENV } from '@tta-dev/workflows';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../io.testkit.js';
import { runSafely } from '../main.js';
import { runWorkflowCommand } from './workflowCommand.js';

let root: string;
let project: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-run-'));
  project = join(root, 'project');
  await createSampleProject(project);
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function run(args: string[]) {
  const io = captureIo({
    env: {
      ...(process.env as Record<string, string>),
      ...SAMPLE_GIT_ENV,
      TTA_HOME: join(root, 'home'),
      npm_config_cache: join(root, 'npm-cache'),
      NO_COLOR: '1',
    },
    cwd: project,
  });
  const code = await runSafely(io, () => runWorkflowCommand(args, io));
  return { code, out: io.out(), err: io.err() };
}

describe('tta workflow run --dry-run', () => {
  it('prints the plan with inputs and project facts rendered, and runs nothing', async () => {
    const dry = await run(['run', 'package-release', '--input', 'bump=minor', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('dry run, inputs {"bump":"minor"');
    expect(dry.out).toMatch(/\[prepare\] as tta-backend-engineer/);
    expect(dry.out).toContain('Nothing was run.');
    expect((await run(['status'])).out).not.toContain('package-release');
    const json = await run(['run', 'package-release', '--dry-run', '--json']);
    expect(JSON.parse(json.out)).toMatchObject({
      workflow: 'package-release',
      inputs: { bump: 'patch' },
    });
    const bad = await run(['run', 'package-release', '--input', 'bump=huge', '--dry-run']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('input "bump" must be one of');
  });
});

describe('tta workflow run, status, complete, resume', () => {
  it('runs package-release to the agent step, completes it, resumes to the end', async () => {
    const started = await run([
      'run',
      'package-release',
      '--input',
      'bump=major',
      '--run-id',
      'r1',
    ]);
    expect(started.code).toBe(0);
    expect(started.err).toContain('⏸ release-notes waits for an assistant or a person');
    expect(started.err).toContain('tta workflow complete r1 release-notes');
    expect((await run(['status'])).out).toMatch(/r1\s+package-release\s+suspended/);

    const completed = await run([
      'complete',
      'r1',
      'release-notes',
      '--output',
      '"## v2.0.0"',
      '--note',
      'short',
    ]);
    expect(completed.code).toBe(0);
    const resumed = await run(['resume', 'r1']);
    expect(resumed.code).toBe(0);
    expect(resumed.err).toMatch(/✓ completed steps \d+, .*work \d/);
    const status = await run(['status', 'r1']);
    expect(status.out).toContain('r1 package-release: completed');
    expect(status.out).toContain('◆ tagged passed');
  });

  it('prints JSON lines with --json, and exits 2 on bad inputs and 1 on a failed gate', async () => {
    const json = await run(['run', 'package-release', '--json', '--run-id', 'r2']);
    const events = json.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({
      type: 'run_started',
      workflow: 'package-release',
      runId: 'r2',
    });
    expect((await run(['run', 'package-release', '--input', 'bump=huge'])).code).toBe(2);
    expect((await run(['run', 'package-release', '--input', 'nope'])).err).toContain(
      '--input takes key=value',
    );
    const gated = await run([
      'run',
      'package-release',
      '--input',
      'coverageThreshold=99',
      '--run-id',
      'r3',
    ]);
    expect(gated.code).toBe(1);
    expect(gated.err).toContain('gate coverage-threshold FAILED: 92.5 is not ≥ 99');
    expect((await run(['complete', 'r3', 'release-notes'])).code).toBe(2);

    const logs = await run(['logs', 'r3', '--json']);
    expect(
      logs.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).type),
    ).toContain('gate_failed');
    // A result, on stdout (`tta workflow logs r3 > file` keeps it); nothing on stderr.
    const text = await run(['logs', 'r3']);
    expect(text).toMatchObject({ code: 0, err: '' });
    expect(text.out).toContain('gate coverage-threshold FAILED');
    expect((await run(['cancel', 'r3', '--reason', 'coverage too low'])).code).toBe(0);
    expect((await run(['status'])).out).toMatch(/r3\s+package-release\s+cancelled/);
    expect((await run(['cancel', 'r3'])).err).toContain('already cancelled');
    expect((await run(['logs', 'nope'])).code).toBe(2);
  });

  it('releases the sample package end to end with demo', async () => {
    const { code, out, err } = await run(['demo']);
    expect(code).toBe(0);
    expect(out).toMatch(
      /package-release completed: steps \d+, automatedSteps \d+, automation \d+%, skippedSteps \d+, .*gatesPassed [1-9]\d*, gatesFailed 0, .*tokens [1-9]\d*, .*work \d/,
    );
    expect(err).toContain('completing the release notes');
  });
});

describe('tta workflow run --queue', () => {
  it('records the run with its checked inputs for the workers, runs nothing, returns its id', async () => {
    const queued = await run([
      'run',
      'package-release',
      '--queue',
      '--input',
      'bump=minor',
      '--json',
    ]);
    expect(queued.code).toBe(0);
    const { runId } = JSON.parse(queued.out) as { runId: string };
    expect(JSON.parse(queued.out)).toMatchObject({ status: 'queued', needs: [] });
    expect(queued.err).toContain('tta worker');
    const status = await run(['status', runId, '--json']);
    const { state, events } = JSON.parse(status.out) as {
      state: { status: string; inputs: Record<string, unknown> };
      events: { type: string }[];
    };
    expect(state).toMatchObject({ status: 'queued', inputs: { bump: 'minor' } });
    expect(events.map((e) => e.type)).toEqual(['run_started', 'run_queued']);
    expect((await run(['status'])).out).toMatch(
      new RegExp(`${runId}\\s+package-release\\s+queued`),
    );
    // Bad inputs and options are refused as for a run, with exit 2 and nothing recorded.
    const bad = await run(['run', 'package-release', '--queue', '--input', 'bump=huge']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('input "bump" must be one of');
    expect((await run(['run', 'package-release', '--queue', '--dry-run'])).code).toBe(2);
    const label = await run(['run', 'package-release', '--labels', 'no way']);
    expect(label.code).toBe(2);
    expect(label.err).toContain('--labels');
    expect(JSON.parse((await run(['status', '--json'])).out).runs).toHaveLength(1);
  });
});
