import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../io.testkit.js';
import { runSafely } from '../main.js';
import { runWorkflowCommand } from './workflowCommand.js';

let root: string;
let project: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-root-'));
  project = join(root, 'project');
  await mkdir(join(project, '.tta', 'workflows'), { recursive: true });
  await mkdir(join(project, 'src', 'deep'), { recursive: true });
  await writeFile(
    join(project, '.tta', 'workflows', 'where.workflow.yaml'),
    `name: where
description: Says where its command runs
personas: [tta-backend-engineer]
stages:
  - id: only
    title: Only
    persona: backend
    steps:
      - id: here
        run: node -p "process.cwd()"
`,
  );
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function run(args: string[], cwd: string) {
  const io = captureIo({
    env: {
      ...(process.env as Record<string, string>),
      TTA_HOME: join(root, 'home'),
      NO_COLOR: '1',
    },
    cwd,
  });
  const code = await runSafely(io, () => runWorkflowCommand(args, io));
  return { code, out: io.out(), err: io.err() };
}

describe('a run typed in a subfolder of the project', () => {
  it('is stored, and runs, at the project root where its workflow was found', async () => {
    const sub = join(project, 'src', 'deep');
    const started = await run(['run', 'where', '--run-id', 'where-1'], sub);
    expect(started.code).toBe(0);
    expect(existsSync(join(sub, '.tta'))).toBe(false);
    const log = await readFile(join(project, '.tta', 'runs', 'where-1', 'events.jsonl'), 'utf8');
    const succeeded = log
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; output?: { stdout: string } })
      .find((e) => e.type === 'step_succeeded');
    expect(succeeded?.output?.stdout).toBe(project);
    // Every command finds it from any folder of the project.
    const status = await run(['status', 'where-1'], join(project, 'src'));
    expect(status.code).toBe(0);
    expect(status.out).toContain('completed');
  });

  it('journals into the graph at the project root, and --graph from where it is typed', async () => {
    const sub = join(project, 'src', 'deep');
    expect((await run(['run', 'where', '--run-id', 'where-2', '--journal'], sub)).code).toBe(0);
    expect(existsSync(join(project, '.tta', 'logseq', 'pages'))).toBe(true);
    expect(existsSync(join(sub, '.tta'))).toBe(false);
    expect((await run(['journal', 'where-2', '--graph', 'mine'], sub)).code).toBe(0);
    expect(existsSync(join(sub, 'mine', 'pages'))).toBe(true);
  });
});
