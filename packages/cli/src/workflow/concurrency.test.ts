import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileRunStore, foldRun } from '@tta-dev/workflows';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const tta = fileURLToPath(new URL('../../dist/bin/tta.js', import.meta.url));
let root: string;
let project: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-concurrency-'));
  project = join(root, 'project');
  await mkdir(join(project, '.tta', 'workflows'), { recursive: true });
  await writeFile(
    join(project, '.tta', 'workflows', 'ask.workflow.yaml'),
    `name: ask
description: A stage that waits for a person.
stages:
  - id: review
    title: Review
    persona: backend
    steps:
      - id: ask
        agent: Review the change.
`,
  );
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** Runs the real `tta` in the project, to its exit. */
function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [tta, 'workflow', ...args],
      { cwd: project, env: { ...process.env, TTA_HOME: join(root, 'home'), NO_COLOR: '1' } },
      (error, out, err) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), out, err }),
    );
  });
}

describe('run commands from many processes at once', () => {
  it('16 notes all land, in one gapless log; of 8 completions exactly one succeeds', async () => {
    expect((await run(['run', 'ask', '--run-id', 'r1'])).code).toBe(0);

    const notes = await Promise.all(
      Array.from({ length: 16 }, (_, i) => run(['note', 'r1', '--learning', `note ${i}`])),
    );
    expect(notes.map((n) => n.code)).toEqual(Array(16).fill(0));
    const completions = await Promise.all(
      Array.from({ length: 8 }, (_, i) => run(['complete', 'r1', 'ask', '--output', `"by ${i}"`])),
    );
    const succeeded = completions.filter((c) => c.code === 0);
    expect(succeeded).toHaveLength(1);
    for (const refused of completions.filter((c) => c.code !== 0)) {
      expect(refused.code).toBe(2);
      expect(refused.err).toMatch(
        /is not waiting to be completed|is being driven by another process/,
      );
      expect(refused.err).not.toMatch(/\n\s+at /); // one line, no stack
    }

    const events = await new FileRunStore({ cwd: project }).read('r1');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const state = foldRun(events)!;
    expect(state.notes.map((n) => n.text).sort()).toEqual(
      Array.from({ length: 16 }, (_, i) => `note ${i}`).sort(),
    );
    expect(events.filter((e) => e.type === 'step_completed')).toHaveLength(1);
    expect(state.steps.ask).toMatchObject({ outcome: 'completed' });
  }, 300_000);
});
