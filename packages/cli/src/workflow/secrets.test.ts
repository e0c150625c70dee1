import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRunServer } from '@tta-dev/integrations';
import { FileRunStore } from '@tta-dev/workflows';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const tta = fileURLToPath(new URL('../../dist/bin/tta.js', import.meta.url));
const ENV_SECRET = 'ghp_envSECRETenvSECRETenvSECRET0123456789';
const INPUT_SECRET = 'inputSECRET-7f3a9c1e';
let root: string;
let project: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-secrets-'));
  project = join(root, 'project');
  await mkdir(join(project, '.tta', 'workflows'), { recursive: true });
  // Every place a value can travel: step output, memory, a gate's reason, an agent's
  // instructions, a journal page, a failing step's error.
  await writeFile(
    join(project, '.tta', 'workflows', 'leak.workflow.yaml'),
    `name: leak
description: Steps that handle secrets carelessly.
inputs:
  token:
    type: string
    description: A deploy token
stages:
  - id: build
    title: Build
    persona: backend
    steps:
      - id: show
        run: echo "env $GITHUB_TOKEN input \${{ inputs.token }}"
        saveAs: shown
      - id: page
        journal:
          decision: "Deployed with \${{ inputs.token }}"
          page:
            title: Deploy log
            content: "\${{ steps.show.output.stdout }}"
    gates:
      - id: said
        expression: "\${{ steps.show.output.stdout != '' }}"
  - id: ship
    title: Ship
    persona: devops
    steps:
      - id: push
        run: echo "pushing with $GITHUB_TOKEN" >&2; exit 3
`,
  );
});
afterEach(() => rm(root, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [tta, ...args],
      {
        cwd: project,
        env: {
          ...process.env,
          TTA_HOME: join(root, 'home'),
          NO_COLOR: '1',
          GITHUB_TOKEN: ENV_SECRET,
        },
      },
      (error, out, err) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), out, err }),
    );
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('secrets in the environment and the inputs of a run', () => {
  it('reach no artifact: events, journal, report, status, run server, spans, output', async () => {
    const trace = join(root, 'trace.jsonl');
    const ran = await run([
      '--trace-file',
      trace,
      'workflow',
      'run',
      'leak',
      '--run-id',
      'r1',
      '--input',
      `token=${INPUT_SECRET}`,
      '--journal=graph',
    ]);
    expect(ran.code, ran.err).toBe(1);
    const report = await run([
      'workflow',
      'report',
      'r1',
      '--json',
      '--html',
      join(root, 'r.html'),
    ]);
    const status = await run(['workflow', 'status', 'r1', '--json']);
    const server = await startRunServer({
      store: new FileRunStore({ cwd: project }),
      version: 't',
    });
    const api = await (await fetch(`${server.url}/api/runs/r1`)).text();
    await server.close();

    const artifacts: Record<string, string> = {
      'run output': ran.out + ran.err,
      report: report.out,
      status: status.out,
      'run server': api,
      spans: await readFile(trace, 'utf8'),
      'html report': await readFile(join(root, 'r.html'), 'utf8'),
    };
    for (const file of await filesUnder(join(project, '.tta')))
      artifacts[file] = await readFile(file, 'utf8');
    // The run did record what it did, around the secrets.
    expect(artifacts.spans).toContain('tta.workflow.step');
    expect(status.out).toContain('pushing with [redacted]');
    for (const [where, text] of Object.entries(artifacts)) {
      expect(text, where).not.toContain(ENV_SECRET);
      expect(text, where).not.toContain(INPUT_SECRET);
    }
  }, 300_000);
});
