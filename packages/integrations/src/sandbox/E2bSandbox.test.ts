import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthenticationError, SandboxError } from 'e2b';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../prometheus/prometheus.testkit.js';
import { E2bSandbox } from './E2bSandbox.js';
import { fakeE2b } from './e2bFake.testkit.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tta-e2b-fake-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const e2b = () => {
  const fake = fakeE2b(root);
  const sandbox = new E2bSandbox({
    apiKey: 'e2b_test_key',
    root,
    create: fake.create,
  });
  return { fake, sandbox };
};

describe('E2bSandbox (against a fake of the SDK that runs commands on this machine)', () => {
  it('creates a sandbox, writes the code and files, runs it, maps the result and kills it', async () => {
    const { fake, sandbox } = e2b();
    const result = await sandbox.run({
      language: 'python',
      timeLimitMs: 10_000,
      env: { GREETING: 'hello' },
      files: { 'data/in.txt': 'input' },
      code: 'import os\nprint(os.environ["GREETING"], open("data/in.txt").read())',
    });
    expect(result).toMatchObject({
      language: 'python',
      sandbox: 'e2b',
      stdout: 'hello input\n',
      stderr: '',
      exitCode: 0,
      signal: null,
      timedOut: false,
      outOfMemory: false,
    });
    expect(fake.calls).toEqual([
      { template: undefined, apiKey: 'e2b_test_key', timeoutMs: 70_000 },
    ]);
    const [made] = fake.sandboxes;
    expect(made!.killed).toBe(true);
    expect(made!.written.map((p) => p.slice(root.length))).toEqual([
      expect.stringMatching(/^\/tta-code-[0-9a-f-]+\/data\/in\.txt$/),
      expect.stringMatching(/^\/tta-code-[0-9a-f-]+\/main\.py$/),
    ]);
    // Only the request's variables are sent, with the limit as the command's timeout.
    expect(made!.commandsRun[0]!.opts).toMatchObject({
      envs: { GREETING: 'hello' },
      timeoutMs: 10_000,
    });
  });

  it('runs JavaScript and TypeScript (transpiled before it is sent)', async () => {
    const { fake, sandbox } = e2b();
    const js = await sandbox.run({ language: 'javascript', code: 'console.log(1 + 1)' });
    expect(js).toMatchObject({ stdout: '2\n', exitCode: 0, sandbox: 'e2b' });
    const ts = await sandbox.run({
      language: 'typescript',
      code: 'const n: number = 40;\nconsole.log(n + 2);',
    });
    expect(ts).toMatchObject({ stdout: '42\n', exitCode: 0 });
    expect(fake.sandboxes[1]!.written.at(-1)).toMatch(/main\.mjs$/);

    const broken = await sandbox.run({ language: 'typescript', code: 'let = ;' });
    expect(broken).toMatchObject({ exitCode: null, reason: 'the TypeScript did not compile' });
    expect(fake.sandboxes).toHaveLength(2);
  });

  it('maps CommandExitError to the exit code and output', async () => {
    const { sandbox } = e2b();
    const result = await sandbox.run({
      language: 'javascript',
      code: 'console.log("partial"); console.error("bad thing"); process.exit(3);',
    });
    expect(result).toMatchObject({
      exitCode: 3,
      stdout: 'partial\n',
      stderr: 'bad thing\n',
      timedOut: false,
    });
  });

  it('maps TimeoutError to a timed-out result and kills the sandbox', async () => {
    const { fake, sandbox } = e2b();
    const result = await sandbox.run({
      language: 'python',
      timeLimitMs: 800,
      code: 'print("started")\nwhile True:\n    pass',
    });
    expect(result).toMatchObject({ timedOut: true, exitCode: null });
    // What it printed before the limit is kept; on a busy machine Python may not get that far.
    expect(['', 'started\n']).toContain(result.stdout);
    expect(result.reason).toMatch(/time limit of 800 ms/);
    expect(fake.sandboxes[0]!.killed).toBe(true);
  });

  it('recognises running out of memory from the same launch script', async () => {
    const { sandbox } = e2b();
    const py = await sandbox.run({
      language: 'python',
      memoryMb: 64,
      code: 'chunks = []\nwhile True:\n    chunks.append(bytearray(16 * 1024 * 1024))',
    });
    expect(py).toMatchObject({ outOfMemory: true, exitCode: 1 });
    const node = await sandbox.run({
      language: 'javascript',
      memoryMb: 64,
      code: 'const a = []; for (;;) a.push(new Array(100_000).fill(Math.random()));',
    });
    // V8 aborts: E2B reports exit code -1 for a process a signal ended.
    expect(node).toMatchObject({ outOfMemory: true, exitCode: null });
    expect(node.reason).toMatch(/heap out of memory/);
  });

  it('lets other SDK errors through, and still kills the sandbox', async () => {
    const failing = fakeE2b(root);
    const create: typeof failing.create = async (template, options) => {
      const made = await failing.create(template, options);
      made.commands.run = async () => {
        throw new SandboxError('[unavailable] sandbox is gone');
      };
      return made;
    };
    const sandbox = new E2bSandbox({ apiKey: 'k', root, create });
    await expect(sandbox.run({ language: 'python', code: 'print(1)' })).rejects.toThrow(
      'sandbox is gone',
    );
    expect(failing.sandboxes[0]!.killed).toBe(true);

    const unauthorised = new E2bSandbox({
      apiKey: 'k',
      create: async () => {
        throw new AuthenticationError('Invalid API key');
      },
    });
    await expect(unauthorised.run({ language: 'python', code: 'print(1)' })).rejects.toThrow(
      'Invalid API key',
    );
  });
});

describe('E2bSandbox with the e2b SDK (against a local stand-in for the E2B API)', () => {
  it('loads the SDK on first use and asks it for a sandbox of the template, with the key', async () => {
    // The stand-in refuses the key, as E2B does a revoked one; the SDK's error comes through.
    const asked: { path?: string; key?: string; body?: unknown }[] = [];
    const api = await listen(
      createServer((req, res) => {
        let raw = '';
        req.on('data', (c) => (raw += c));
        req.on('end', () => {
          asked.push({
            path: req.url,
            key: req.headers['x-api-key'] as string,
            body: JSON.parse(raw),
          });
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ code: 401, message: 'Invalid API key' }));
        });
      }),
    );
    const before = process.env.E2B_API_URL;
    process.env.E2B_API_URL = api.url;
    try {
      const sandbox = new E2bSandbox({ apiKey: 'e2b_revoked', template: 'python-3' });
      const error = await sandbox
        .run({ language: 'python', code: 'print(1)', timeLimitMs: 5_000 })
        .catch((e) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as Error).message).toMatch(/Invalid API key/);
      expect(asked).toEqual([
        {
          path: '/v2/sandboxes',
          key: 'e2b_revoked',
          body: expect.objectContaining({ templateID: 'python-3', timeout: 65 }),
        },
      ]);
    } finally {
      if (before === undefined) delete process.env.E2B_API_URL;
      else process.env.E2B_API_URL = before;
      await api.close();
    }
  });
});
