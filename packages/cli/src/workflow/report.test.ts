import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../io.testkit.js';
import { runSafely } from '../main.js';
import { createProject, type Project } from '../telemetry/project.testkit.js';
import { byClass, parseXml } from './report/xml.testkit.js';
import { runWorkflowCommand } from './workflowCommand.js';

let project: Project;
beforeAll(async () => {
  project = await createProject();
  expect((await tta(['run', 'mini', '--run-id', 'mini-1'])).code).toBe(0);
});
afterAll(() => project.close());

async function tta(args: string[]) {
  const io = captureIo({ env: project.env, cwd: project.dir });
  const code = await runSafely(io, () => runWorkflowCommand(args, io));
  return { code, out: io.out(), err: io.err() };
}

describe('tta workflow report', () => {
  it("prints the run's metrics per stage as a table", async () => {
    const { code, out } = await tta(['report', 'mini-1']);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^mini-1 mini: completed · .* of work · 2 steps · 1 skipped · automation 100% · gates 1 passed, 0 failed$/,
    );
    expect(lines[2]).toMatch(
      /^STAGE\s+PERSONA\s+STATUS\s+DURATION\s+STEPS\s+AUTOMATION\s+GATES\s+TOKENS$/,
    );
    expect(lines[3]).toMatch(
      /^build\s+tta-backend-engineer\s+completed\s+\S+ m?s\s+1 \+1 skipped\s+100%\s+0 passed\s+–$/,
    );
    expect(lines[4]).toMatch(
      /^verify\s+tta-testing-specialist\s+completed\s+\S+ m?s\s+1\s+100%\s+1 passed/,
    );
    expect(lines[5]).toMatch(/^run\s+2 personas, 3 switches\s+completed/);
  });

  it('prints it as JSON', async () => {
    const { code, out } = await tta(['report', 'mini-1', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report).toMatchObject({
      runId: 'mini-1',
      workflow: 'mini',
      status: 'completed',
      gatesPassed: 1,
      personas: ['tta-backend-engineer', 'tta-testing-specialist'],
    });
    expect(report.stages.map((s: { id: string }) => s.id)).toEqual(['build', 'verify']);
    expect(
      report.stages[0].steps.map((s: { id: string; outcome: string; attempts: number }) => [
        s.id,
        s.outcome,
        s.attempts,
      ]),
    ).toEqual([
      ['flaky', 'succeeded', 2],
      ['optional', 'skipped', 0],
    ]);
  });

  it('writes the timeline as SVG and HTML files that parse', async () => {
    const { code, err } = await tta([
      'report',
      'mini-1',
      '--svg',
      'out/../t.svg',
      '--html',
      't.html',
    ]);
    expect(code).toBe(0);
    expect(err).toContain(`wrote ${join(project.dir, 't.svg')}`);
    const svg = parseXml(await readFile(join(project.dir, 't.svg'), 'utf8'));
    expect(byClass(svg, 'rect', 'stage').map((r) => r.attributes['data-stage'])).toEqual([
      'build',
      'verify',
    ]);
    expect(byClass(svg, 'path', 'gate-passed').map((g) => g.attributes['data-gate'])).toEqual([
      'coverage-ok',
    ]);
    const html = parseXml(await readFile(join(project.dir, 't.html'), 'utf8'));
    expect(html.tag).toBe('html');
  });

  it('is bad input (exit 2) for an unknown run, a missing run id or a file it cannot write', async () => {
    const unknown = await tta(['report', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no run "nope" here');
    expect((await tta(['report'])).code).toBe(2);
    const unwritable = await tta(['report', 'mini-1', '--svg', 'no/such/dir/t.svg']);
    expect(unwritable.code).toBe(2);
    expect(unwritable.err).toContain('cannot write');
  });
});
