import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// The built bin, run as a user runs it: errors of a user's mistake or of the machine's state are
// one line on stderr with the right exit code, never an "internal error" with a stack trace.
const tta = fileURLToPath(new URL('../../dist/bin/tta.js', import.meta.url));
const isRoot = process.getuid?.() === 0;
/** Root passes permission checks: run the CLI as "nobody" to meet a real EACCES. */
const NOBODY = 65534;
/** Without root, permission bits are enough; as root, only where "nobody" can run the bin. */
const canMeetEacces =
  !isRoot ||
  spawnSync(process.execPath, [tta, '--version'], { uid: NOBODY, gid: NOBODY, cwd: tmpdir() })
    .status === 0;

let root: string;
let project: string;
let home: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-state-'));
  project = join(root, 'project');
  home = join(root, 'home');
  await mkdir(project);
  await mkdir(home);
  await chmod(root, 0o755); // the "nobody" runs below must reach the project
});
afterEach(() => rm(root, { recursive: true, force: true }));

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function start(
  args: readonly string[],
  options: { stdout?: number; asNobody?: boolean } = {},
): ChildProcess {
  return spawn(process.execPath, [tta, ...args], {
    cwd: project,
    env: { ...process.env, TTA_HOME: home, NO_COLOR: '1' },
    stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
    ...(options.asNobody ? { uid: NOBODY, gid: NOBODY } : {}),
  });
}

async function finished(child: ChildProcess): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

const run = (args: readonly string[], options?: { asNobody?: boolean }) =>
  finished(start(args, options));

/** One line, and nothing of an internal error. */
function expectOneLine(stderr: string, text: string | RegExp): void {
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(text);
}

const oneStep = `name: one-step
description: Prints, waits, prints.
stages:
  - id: work
    title: Work
    persona: backend
    steps:
      - id: first
        run: echo first
      - id: wait
        run: sleep 0.2
      - id: second
        run: echo second
`;

const runsDir = () => join(project, '.tta', 'runs');

async function aRun(runId: string): Promise<string> {
  await writeFile(join(project, 'one.workflow.yaml'), oneStep);
  const ran = await run(['workflow', 'run', './one.workflow.yaml', '--run-id', runId]);
  expect(ran.code).toBe(0);
  return join(runsDir(), runId, 'events.jsonl');
}

describe('the CLI reports bad input and the machine state in one line', () => {
  it('an invalid run id: exit 2', async () => {
    const ran = await run(['workflow', 'status', '../x']);
    expect(ran.code).toBe(2);
    expectOneLine(ran.stderr, 'invalid run id "../x"');
  });

  it('a config.json that is a folder: exit 1 naming it, and no run is started', async () => {
    await mkdir(join(home, 'config.json'));
    const current = await run(['persona', 'current']);
    expect(current.code).toBe(1);
    expectOneLine(current.stderr, `${join(home, 'config.json')}): a folder is where a file`);
    await writeFile(join(project, 'one.workflow.yaml'), oneStep);
    const started = await run(['workflow', 'run', './one.workflow.yaml']);
    expect(started.code).toBe(1);
    expectOneLine(started.stderr, /EISDIR.*config\.json/);
    expect(existsSync(runsDir())).toBe(false);
  });

  it('a corrupt run log: exit 1 naming the file and line', async () => {
    const events = await aRun('r1');
    // Not a torn last line (which a crash leaves, and which is ignored): a bad line inside.
    const lines = (await readFile(events, 'utf8')).split('\n');
    lines[1] = '{"seq": 2, "type": "note", "text": ';
    await writeFile(events, lines.join('\n'));
    const ran = await run(['workflow', 'status', 'r1']);
    expect(ran.code).toBe(1);
    expectOneLine(ran.stderr, `${events}:2: not JSON`);
  });

  it.skipIf(!canMeetEacces)(
    'a run folder it may not read or write (EACCES): exit 1 naming the file',
    async () => {
      const events = await aRun('r1');
      const folder = join(runsDir(), 'r1');
      // As root, permission bits stop only other users: run the CLI as one.
      await chmod(folder, isRoot ? 0o700 : 0o000);
      try {
        const ran = await run(['workflow', 'status', 'r1'], { asNobody: isRoot });
        expect(ran.code).toBe(1);
        expectOneLine(ran.stderr, /EACCES: permission denied.*check who owns it/);
        expect(ran.stderr).toContain(isRoot ? events : folder);
        // Readable, not writable: a note cannot be recorded.
        await chmod(folder, 0o555);
        const note = await run(['workflow', 'note', 'r1', '--learning', 'x'], { asNobody: isRoot });
        expect(note.code).toBe(1);
        expectOneLine(note.stderr, /EACCES: permission denied.*check who owns it/);
        expect(note.stderr).toContain(folder);
      } finally {
        await chmod(folder, 0o755);
      }
    },
  );

  // Linux's /dev/full: every write fails with ENOSPC, a full disk without filling one.
  it.skipIf(!existsSync('/dev/full'))(
    'a full disk behind stdout (ENOSPC): exit 1, one line on stderr',
    async () => {
      await aRun('r1');
      const full = await open('/dev/full', 'w');
      try {
        const ran = await finished(start(['workflow', 'status'], { stdout: full.fd }));
        expect(ran.code).toBe(1);
        expectOneLine(ran.stderr, /^cannot write the output: ENOSPC: no space left on device/);
      } finally {
        await full.close();
      }
    },
  );

  it('a reader that leaves early (| head -1, EPIPE): quiet exit', async () => {
    await aRun('r1');
    const child = start(['workflow', 'status']);
    child.stdout?.destroy(); // the reader is gone before the CLI writes
    const ran = await finished(child);
    expect(ran).toMatchObject({ code: 0, stderr: '' });
  });

  it('a run whose reader leaves early stops cleanly: lease released, persona given back', async () => {
    expect((await run(['persona', 'use', 'frontend'])).code).toBe(0);
    await writeFile(join(project, 'one.workflow.yaml'), oneStep);
    const child = start(['workflow', 'run', './one.workflow.yaml', '--run-id', 'r2', '--json']);
    await once(child.stdout!, 'data'); // the first line, as `head -1` reads it
    child.stdout?.destroy();
    const ran = await finished(child);
    expect(ran.stderr).not.toMatch(/internal error|\n\s+at |EPIPE/);
    expect(existsSync(join(runsDir(), 'r2', 'lease.json'))).toBe(false);
    const events = (await readFile(join(runsDir(), 'r2', 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(events.map((e) => e.type)).toContainEqual(
      expect.stringMatching(/^run_(failed|cancelled|completed)$/),
    );
    const config = JSON.parse(await readFile(join(home, 'config.json'), 'utf8'));
    expect(config.activePersona.name).toBe('tta-frontend-engineer');
  });
});
