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
  root = await mkdtemp(join(tmpdir(), 'tta-fail-'));
  project = join(root, 'project');
  await mkdir(join(project, '.tta', 'workflows'), { recursive: true });
  await writeFile(
    join(project, '.tta', 'workflows', 'broken.workflow.yaml'),
    `name: broken
description: A step whose command cannot find a module
personas: [tta-backend-engineer]
stages:
  - id: only
    title: Only
    persona: backend
    steps:
      - id: needs-x
        run: node -e "require('tta-no-such-module')"
`,
  );
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** Runs `tta workflow <args>` in the project, as a user would type it. */
async function run(args: string[]) {
  const io = captureIo({
    env: {
      ...(process.env as Record<string, string>),
      TTA_HOME: join(root, 'home'),
      NO_COLOR: '1',
    },
    cwd: project,
  });
  const code = await runSafely(io, () => runWorkflowCommand(args, io));
  return { code, err: io.err() };
}

describe('a failing command', () => {
  it('is shown by its first error line, in the progress and in the failure event', async () => {
    const { code, err } = await run(['run', 'broken', '--run-id', 'broken-1']);
    expect(code).toBe(1);
    const first = "Error: Cannot find module 'tta-no-such-module'";
    // The attempt's line, which shows the message's first line only.
    expect(err).toMatch(new RegExp(`✗ needs-x attempt 1: .*exited 1 \\(expected 0\\): ${first}`));
    const events = (
      await readFile(join(project, '.tta', 'runs', 'broken-1', 'events.jsonl'), 'utf8')
    )
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; error?: { message: string } });
    const failed = events.find((e) => e.type === 'run_failed');
    expect(failed?.error?.message.split('\n')[0]).toMatch(new RegExp(`: ${first}$`));
    // The tail of the output is still there.
    expect(failed?.error?.message).toContain('Node.js v');
  });

  it('is followed by how to go on in the same run once fixed, which does so', async () => {
    const failed = await run(['run', 'broken', '--run-id', 'broken-2']);
    expect(failed.code).toBe(1);
    expect(failed.err).toContain(
      'Run broken-2 stopped at step "needs-x" (stage only). Once fixed:\n  tta workflow resume broken-2   # runs needs-x again and goes on\n  tta workflow resume broken-2 --from only   # or the whole stage again',
    );
    await mkdir(join(project, 'node_modules', 'tta-no-such-module'), { recursive: true });
    await writeFile(join(project, 'node_modules', 'tta-no-such-module', 'index.js'), '');
    const resumed = await run(['resume', 'broken-2']);
    expect(resumed.err).toContain('✓ needs-x');
    expect(resumed.code).toBe(0);
  });
});

describe('a failing gate', () => {
  it('is followed by the resume --from that runs again what it reads', async () => {
    await writeFile(
      join(project, '.tta', 'workflows', 'gated.workflow.yaml'),
      `name: gated
description: A gate on a file a person must write
personas: [tta-backend-engineer]
stages:
  - id: only
    title: Only
    persona: backend
    steps:
      - id: look
        run: node -e "process.stdout.write(String(require('fs').existsSync('ready')))"
    gates:
      - id: is-ready
        name: It is ready
        expression: "\${{ steps.look.output.stdout == 'true' }}"
`,
    );
    const failed = await run(['run', 'gated', '--run-id', 'gated-1']);
    expect(failed.code).toBe(1);
    expect(failed.err).toContain(
      'Run gated-1 stopped at gate "is-ready" (stage only). Once fixed:\n  tta workflow resume gated-1 --from is-ready',
    );
    await writeFile(join(project, 'ready'), '');
    const resumed = await run(['resume', 'gated-1', '--from', 'is-ready']);
    expect(resumed.code).toBe(0);
  });
});
