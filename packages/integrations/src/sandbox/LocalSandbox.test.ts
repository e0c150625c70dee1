import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isValidationError } from '@tta-dev/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeResultProblem } from './CodeSandbox.js';
import { LocalSandbox } from './LocalSandbox.js';

const sandbox = new LocalSandbox();

/** Whether a process still runs (a zombie waiting for its parent to reap it has ended). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

describe('LocalSandbox', () => {
  it('runs JavaScript, TypeScript and Python and captures their output', async () => {
    const js = await sandbox.run({
      language: 'javascript',
      code: 'console.log("js", 6 * 7); console.error("to stderr");',
    });
    expect(js).toMatchObject({
      language: 'javascript',
      sandbox: 'local',
      stdout: 'js 42\n',
      stderr: 'to stderr\n',
      exitCode: 0,
      signal: null,
      timedOut: false,
      outOfMemory: false,
    });
    expect(js.reason).toBeUndefined();
    expect(codeResultProblem(js)).toBeUndefined();

    const ts = await sandbox.run({
      language: 'typescript',
      code: 'enum Colour { Red = 1 }\nconst n: number = Colour.Red + 1;\nconsole.log("ts", n);',
    });
    expect(ts).toMatchObject({ stdout: 'ts 2\n', exitCode: 0 });

    const py = await sandbox.run({
      language: 'python',
      code: 'import sys\nprint("py", sum(range(10)))\nprint("warn", file=sys.stderr)',
    });
    expect(py).toMatchObject({ stdout: 'py 45\n', stderr: 'warn\n', exitCode: 0 });
  });

  it('reports exit codes, and tracebacks from the code itself', async () => {
    const js = await sandbox.run({ language: 'javascript', code: 'process.exitCode = 4;' });
    expect(js.exitCode).toBe(4);
    expect(codeResultProblem(js)).toBe('javascript code (local sandbox) exited 4 (expected 0)');
    expect(codeResultProblem(js, 4)).toBeUndefined();

    const py = await sandbox.run({ language: 'python', code: 'import sys\nsys.exit(3)' });
    expect(py.exitCode).toBe(3);

    const raised = await sandbox.run({
      language: 'python',
      code: 'def f():\n    raise ValueError("bad value")\nf()',
    });
    expect(raised.exitCode).toBe(1);
    expect(raised.stderr).toContain('ValueError: bad value');
    expect(raised.stderr).toContain('main.py", line 3');
    expect(raised.stderr).not.toContain('runpy');
    expect(codeResultProblem(raised)).toMatch(
      /exited 1 \(expected 0\):[\s\S]*ValueError: bad value/,
    );
  });

  it('maps TypeScript errors to their lines, and reports code that does not compile', async () => {
    const thrown = await sandbox.run({
      language: 'typescript',
      code: 'type T = { a: number };\nconst t: T = { a: 1 };\nthrow new Error("boom " + t.a);',
    });
    expect(thrown.exitCode).toBe(1);
    expect(thrown.stderr).toMatch(/main\.ts:3/);

    const broken = await sandbox.run({ language: 'typescript', code: 'const x: number = ;' });
    expect(broken).toMatchObject({
      exitCode: null,
      reason: 'the TypeScript did not compile',
      timedOut: false,
    });
    expect(broken.stderr).toMatch(/^main\.ts:1:\d+: Unexpected ";"/);
    expect(codeResultProblem(broken)).toMatch(/did not finish: the TypeScript did not compile/);
  });

  it('kills a busy loop and its children at the time limit', async () => {
    // The limits leave a loaded machine time to start Node and Python and print before the loop.
    const result = await sandbox.run({
      language: 'javascript',
      timeLimitMs: 4000,
      code: `import { spawn } from 'node:child_process';
const child = spawn('sleep', ['60'], { stdio: 'ignore' });
console.log(child.pid);
for (;;) {}`,
    });
    expect(result).toMatchObject({
      timedOut: true,
      exitCode: null,
      signal: 'SIGKILL',
      outOfMemory: false,
      reason: 'killed at the time limit of 4000 ms',
    });
    const childPid = Number(result.stdout.trim());
    expect(childPid).toBeGreaterThan(0);
    expect(alive(childPid)).toBe(false);
    expect(codeResultProblem(result)).toMatch(/^javascript code \(local sandbox\) timed out/);

    const py = await sandbox.run({
      language: 'python',
      timeLimitMs: 3000,
      code: 'print("started", flush=True)\nwhile True:\n    pass',
    });
    expect(py).toMatchObject({ timedOut: true, stdout: 'started\n' });
  });

  it('ends leftover children when the code exits', async () => {
    const result = await sandbox.run({
      language: 'python',
      code: 'import subprocess\np = subprocess.Popen(["sleep", "60"])\nprint(p.pid)',
    });
    expect(result.exitCode).toBe(0);
    expect(alive(Number(result.stdout.trim()))).toBe(false);
  });

  it('reports running out of memory in Node (heap and buffers) and Python', async () => {
    const heap = await sandbox.run({
      language: 'javascript',
      memoryMb: 64,
      code: 'const a = []; for (;;) a.push(new Array(100_000).fill(Math.random()));',
    });
    expect(heap).toMatchObject({ outOfMemory: true, timedOut: false });
    expect(heap.reason).toMatch(/heap out of memory.*\(memory limit 64 MB\)/);
    expect(codeResultProblem(heap)).toMatch(/ran out of memory/);

    const buffers = await sandbox.run({
      language: 'javascript',
      memoryMb: 64,
      code: 'const a = []; for (;;) a.push(Buffer.alloc(16 * 1024 * 1024, 1));',
    });
    // Buffers live outside the V8 heap: the data-segment limit stops them (V8 may be the one
    // that fails to get memory next, so either message may come).
    expect(buffers).toMatchObject({ outOfMemory: true, timedOut: false });
    expect(buffers.reason).toMatch(/Array buffer allocation failed|out of memory/);

    const py = await sandbox.run({
      language: 'python',
      memoryMb: 64,
      code: 'print("allocating")\nchunks = []\nwhile True:\n    chunks.append(bytearray(16 * 1024 * 1024))',
    });
    expect(py).toMatchObject({ outOfMemory: true, exitCode: 1, stdout: 'allocating\n' });
    expect(py.reason).toMatch(/MemoryError/);
    expect(py.stderr).toContain('main.py", line 4');
  });

  it('lets code use memory within its limit, and does not take words for a crash', async () => {
    const within = await sandbox.run({
      language: 'python',
      memoryMb: 64,
      code: 'data = bytearray(32 * 1024 * 1024)\nprint(len(data))',
    });
    expect(within).toMatchObject({ exitCode: 0, outOfMemory: false, stdout: '33554432\n' });

    const words = await sandbox.run({
      language: 'python',
      code: 'import sys\nprint("MemoryError: only words", file=sys.stderr)',
    });
    expect(words).toMatchObject({ exitCode: 0, outOfMemory: false });
  });

  it('gives code a scrubbed environment: no secret of the parent reaches it', async () => {
    process.env.TTA_SANDBOX_TEST_SECRET_TOKEN = 'do-not-leak-7f3a';
    try {
      const js = await sandbox.run({
        language: 'javascript',
        env: { GREETING: 'hello' },
        code: 'console.log(JSON.stringify({ env: process.env, cwd: process.cwd() }));',
      });
      const { env, cwd } = JSON.parse(js.stdout) as { env: Record<string, string>; cwd: string };
      // PWD is the shell's own, set to the working folder.
      expect(Object.keys(env).sort()).toEqual([
        'GREETING',
        'HOME',
        'LANG',
        'PATH',
        'PWD',
        'TMPDIR',
      ]);
      expect(env.HOME).toBe(cwd);
      expect(env.PATH).toBe(process.env.PATH);
      expect(js.stdout).not.toContain('do-not-leak-7f3a');

      // python3 may be a launcher (pyenv's shim adds PYENV_* of its own): look for the secret.
      const py = await sandbox.run({
        language: 'python',
        env: { GREETING: 'hello' },
        code: 'import json, os\nprint(json.dumps({"env": dict(os.environ), "cwd": os.getcwd()}))',
      });
      const seen = JSON.parse(py.stdout) as { env: Record<string, string>; cwd: string };
      expect(seen.env).toMatchObject({ GREETING: 'hello', HOME: seen.cwd, TMPDIR: seen.cwd });
      expect(Object.keys(seen.env)).not.toContain('TTA_SANDBOX_TEST_SECRET_TOKEN');
      expect(py.stdout).not.toContain('do-not-leak-7f3a');
    } finally {
      delete process.env.TTA_SANDBOX_TEST_SECRET_TOKEN;
    }
  });

  describe('working folder', () => {
    let root: string;
    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'tta-sandbox-root-'));
    });
    afterAll(() => rm(root, { recursive: true, force: true }));

    it('is fresh, holds the input files, and is removed afterwards', async () => {
      const local = new LocalSandbox({ tempRoot: root });
      const result = await local.run({
        language: 'python',
        files: { 'data/input.txt': 'from a file', 'helper.py': 'VALUE = 42\n' },
        code: 'import os, helper\nprint(os.getcwd())\nprint(open("data/input.txt").read(), helper.VALUE)\nopen("out.txt", "w").write("x")',
      });
      const [cwd, line] = result.stdout.trim().split('\n');
      expect(line).toBe('from a file 42');
      expect(cwd!.startsWith(join(root, 'tta-code-'))).toBe(true);
      expect(existsSync(cwd!)).toBe(false);
      expect(await readdir(root)).toEqual([]);
    });

    it('is removed after a time-out too', async () => {
      const local = new LocalSandbox({ tempRoot: root });
      const result = await local.run({
        language: 'javascript',
        timeLimitMs: 500,
        code: 'console.log(process.cwd()); setInterval(() => {}, 1000);',
      });
      expect(result.timedOut).toBe(true);
      expect(existsSync(result.stdout.trim())).toBe(false);
      expect(await readdir(root)).toEqual([]);
    });
  });

  it('keeps the first bytes of a flood of output and says it cut the rest', async () => {
    const result = await sandbox.run({
      language: 'javascript',
      maxOutputBytes: 1000,
      code: 'for (let i = 0; i < 5000; i++) process.stdout.write("é".repeat(1000) + "\\n"); console.error("done");',
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdoutTruncated).toBe(true);
    expect(Buffer.byteLength(result.stdout)).toBe(1000);
    expect(result.stdout).toBe('é'.repeat(500));
    expect(result.stderr).toBe('done\n');
    expect(result.stderrTruncated).toBe(false);
  });

  it('says clearly when python3 is missing', async () => {
    const local = new LocalSandbox({ python: 'python3-not-installed-here' });
    const result = await local.run({ language: 'python', code: 'print(1)' });
    expect(result).toMatchObject({ exitCode: null, timedOut: false, outOfMemory: false });
    expect(result.reason).toMatch(/^python3-not-installed-here not found on PATH/);
    expect(codeResultProblem(result)).toMatch(
      /did not finish: python3-not-installed-here not found/,
    );
  });

  it('kills the run and rejects when its signal aborts', async () => {
    const controller = new AbortController();
    const running = sandbox.run(
      { language: 'javascript', code: 'console.log("up"); for (;;) {}' },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('run cancelled')), 300);
    await expect(running).rejects.toThrow('run cancelled');
  });

  it('refuses a bad request, naming the field', async () => {
    const bad = await sandbox
      .run({ language: 'python', code: 'print(1)', memoryMb: 8 })
      .catch((e: unknown) => e);
    expect(isValidationError(bad)).toBe(true);
    expect((bad as Error).message).toMatch(/"local-sandbox": memoryMb: .*32/);
    await expect(
      sandbox.run({ language: 'python', code: 'print(1)', files: { '../escape.txt': 'x' } }),
    ).rejects.toThrow(/files\.\.\.\/escape\.txt: name a file by a relative path/);
    await expect(
      sandbox.run({ language: 'python', code: 'print(1)', files: { 'main.py': 'x' } }),
    ).rejects.toThrow(/files\.main\.py: main\.py is the file the code itself is written to/);
    await expect(sandbox.run({ language: 'ruby', code: 'puts 1' })).rejects.toThrow(/language/);
  });
});
