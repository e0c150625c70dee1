import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo } from '../io.testkit.js';
import { runSafely } from '../main.js';
import { runPersonaCommand } from '../persona/personaCommand.js';
import { runWorkflowCommand } from './workflowCommand.js';

// What `tta workflow run` and `validate` refuse before anything runs: inputs not of their
// declared type, a bad MCP servers file for tool steps, and files that are not bounded text.

let root: string;
let project: string;
let flows: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-run-checks-'));
  project = join(root, 'project');
  flows = join(project, '.tta', 'workflows');
  await mkdir(flows, { recursive: true });
  await writeFile(
    join(flows, 'checks.workflow.yaml'),
    `name: checks
description: Typed inputs.
inputs:
  strict: { type: boolean, default: false }
  count: { type: number, default: 1 }
stages:
  - id: one
    title: One
    persona: backend
    steps:
      - id: mark
        run: touch marker-\${{ inputs.strict }}-\${{ inputs.count }}
`,
  );
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function tta(command: 'workflow' | 'persona', args: string[]) {
  const io = captureIo({
    env: { PATH: process.env.PATH ?? '', TTA_HOME: join(root, 'home'), NO_COLOR: '1' },
    cwd: project,
  });
  const code = await runSafely(io, () =>
    command === 'workflow' ? runWorkflowCommand(args, io) : runPersonaCommand(args, io),
  );
  return { code, out: io.out(), err: io.err() };
}
const run = (args: string[]) => tta('workflow', args);

describe('tta workflow run: inputs of the declared type only', () => {
  it.each([
    ['strict=TRUE', 'input "strict" must be true or false, got "TRUE"'],
    ['strict=1', 'input "strict" must be true or false, got "1"'],
    ['strict=yes', 'input "strict" must be true or false, got "yes"'],
    ['strict=nope', 'input "strict" must be true or false, got "nope"'],
    ['count=', 'input "count" must be a number, got nothing'],
    ['count=ten', 'input "count" must be a number, got "ten"'],
    ['colour=red', 'unknown input "colour"; the workflow declares strict, count'],
  ])('refuses --input %s in one line, exit 2, running nothing', async (pair, message) => {
    for (const dryRun of [[], ['--dry-run']]) {
      const result = await run(['run', 'checks', '--input', pair, ...dryRun]);
      expect(result.code).toBe(2);
      expect(result.err).toBe(`${message}\n`);
    }
    expect(existsSync(join(project, '.tta', 'runs'))).toBe(false);
  });

  it('runs with true and a number, and refuses an input given twice', async () => {
    const ok = await run(['run', 'checks', '--input', 'strict=true', '--input', 'count=2']);
    expect(ok.code).toBe(0);
    expect(existsSync(join(project, 'marker-true-2'))).toBe(true);
    const twice = await run(['run', 'checks', '--input', 'strict=true', '--input', 'strict=false']);
    expect(twice.code).toBe(2);
    expect(twice.err).toContain('input "strict" is given twice');
  });
});

describe('tta workflow run: a tool step needs a good MCP servers file before the run starts', () => {
  it('reports a bad mcp_servers.json with exit 2 before the first step runs', async () => {
    await mkdir(join(project, '.hypertool'));
    await writeFile(
      join(project, '.hypertool', 'mcp_servers.json'),
      JSON.stringify({ mcpServers: { files: { command: 3 } } }),
    );
    await writeFile(
      join(flows, 'tools.workflow.yaml'),
      `name: tools
description: A step, then a tool step.
stages:
  - id: one
    title: One
    persona: backend
    steps:
      - id: mark
        run: touch marker
      - id: read
        tool: files__read_text_file
        with: { path: notes.md }
`,
    );
    const result = await run(['run', 'tools']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/mcp_servers\.json:1:\d+ mcpServers\.files\.command: /);
    expect(existsSync(join(project, 'marker'))).toBe(false);
    expect(existsSync(join(project, '.tta', 'runs'))).toBe(false);
  });
});

describe('tta workflow validate: expressions are checked before running', () => {
  it('reports unknown functions and names, undeclared inputs and later steps', async () => {
    await writeFile(
      join(flows, 'names.workflow.yaml'),
      `name: names
description: Expressions naming what does not exist.
stages:
  - id: one
    title: One
    persona: backend
    steps:
      - id: first
        run: echo \${{ eval('1') }} \${{ secrets.X }}
      - id: second
        run: echo \${{ inputs.nope }} \${{ steps.later.output }}
      - id: later
        run: echo
`,
    );
    const result = await run(['validate', '.tta/workflows/names.workflow.yaml']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(
      /names\.workflow\.yaml:9:9 stages\.0\.steps\.0\.run: unknown function "eval"/,
    );
    expect(result.err).toMatch(/:9:9 stages\.0\.steps\.0\.run: unknown name "secrets"/);
    expect(result.err).toMatch(/:11:9 stages\.0\.steps\.1\.run: input "nope" is not declared/);
    expect(result.err).toMatch(/:11:9 stages\.0\.steps\.1\.run: step "later" runs later/);
    expect((await run(['run', 'names'])).code).toBe(2);
    expect(existsSync(join(project, '.tta', 'runs'))).toBe(false);
  });
});

describe('bounded input: files that are not small regular files are refused at once', () => {
  const bomb = `name: bomb
description: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
`;

  it('refuses a workflow alias bomb, a file over 1 MiB and a FIFO with exit 2', async () => {
    await writeFile(join(flows, 'bomb.workflow.yaml'), bomb);
    const bombed = await run(['run', 'bomb']);
    expect(bombed.code).toBe(2);
    expect(bombed.err).toMatch(/bomb\.workflow\.yaml \(document\): its aliases .* expand too far/);
    expect(bombed.err).not.toContain('internal error');

    const big = join(flows, 'big.workflow.yaml');
    await writeFile(big, '');
    await truncate(big, 50 * 1024 * 1024);
    const tooBig = await run(['run', 'big']);
    expect(tooBig.code).toBe(2);
    expect(tooBig.err).toContain('it is 50 MiB; files over 1 MiB are refused');

    execFileSync('mkfifo', [join(flows, 'pipe.workflow.yaml')]);
    const piped = await run(['validate', '.tta/workflows/pipe.workflow.yaml']);
    expect(piped.code).toBe(2);
    expect(piped.err).toContain('it is a FIFO (named pipe), not a regular file');
  });

  it('refuses a persona alias bomb and a persona FIFO with exit 2', async () => {
    await writeFile(join(project, 'bomb.yaml'), bomb);
    execFileSync('mkfifo', [join(project, 'pipe.yaml')]);
    const result = await tta('persona', ['validate', 'bomb.yaml', 'pipe.yaml']);
    expect(result.code).toBe(2);
    expect(result.out + result.err).toMatch(/expand too far/);
    expect(result.out + result.err).toContain('it is a FIFO (named pipe), not a regular file');
  });
});
