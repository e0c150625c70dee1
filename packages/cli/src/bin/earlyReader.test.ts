import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Real pipes, as a shell makes them: `tta … | head -1` and `tta … | true` close the reading end
// while the CLI still writes (EPIPE). The CLI must end quietly, with exit code 0, every time.
const bin = (name: string) => fileURLToPath(new URL(`../../dist/bin/${name}.js`, import.meta.url));

let root: string;
let project: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-pipe-'));
  project = join(root, 'project');
  await mkdir(project);
  env = { ...process.env, TTA_HOME: join(root, 'home'), NO_COLOR: '1' };
  await writeFile(
    join(project, 'one.workflow.yaml'),
    `name: one-step
description: Prints.
stages:
  - id: work
    title: Work
    persona: backend
    steps:
      - id: first
        run: echo first
`,
  );
  const ran = await shell(
    `node ${bin('tta')} workflow run ./one.workflow.yaml --run-id r1; echo "exit $?" >&2`,
  );
  expect(ran.stderr).toMatch(/exit 0\n$/);
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Runs `script` in sh; the CLI's stderr and "exit N" (its own exit code) come back on stderr. */
function shell(script: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('sh', ['-c', script], { cwd: project, env }, (error, stdout, stderr) =>
      error === null ? resolve({ stdout, stderr }) : reject(error),
    );
  });
}

// The two cases ten times each; the others less often, to keep the suite quick.
const commands = [
  ['tta-persona', 'list', 10],
  ['tta', 'workflow show feature-development', 10],
  ['tta', 'workflow list', 3],
  ['tta', 'workflow logs r1', 3],
  ['tta', 'workflow logs r1 --json', 3],
] as const;

describe('a reader that leaves early (EPIPE): a quiet exit 0, every time', () => {
  it.each(commands)(
    '%s %s (%i times)',
    async (name, args, times) => {
      const command = `node ${bin(name)} ${args}`;
      const full = await shell(`${command}; echo "exit $?" >&2`);
      expect(full.stdout.split('\n').length).toBeGreaterThan(2); // more than `head -1` reads
      for (let i = 0; i < times; i++) {
        for (const reader of i % 2 === 0 ? ['head -1'] : ['true']) {
          const ran = await shell(`(${command}; echo "exit $?" >&2) | ${reader}`);
          expect(ran.stderr).toBe('exit 0\n');
        }
      }
    },
    120_000,
  );
});
