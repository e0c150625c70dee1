import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, isTimeoutError, isValidationError, retry, timeout } from '@tta-dev/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeExecution } from './CodeExecution.js';
import { LocalSandbox } from './LocalSandbox.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tta-code-execution-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const execution = codeExecution(new LocalSandbox());

const gone = (pid: number) => {
  try {
    return /^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
};

describe('codeExecution', () => {
  it('is a primitive: request in, result out', async () => {
    expect(execution.name).toBe('code-execution');
    const result = await execution.run(
      { language: 'python', code: 'print(21 * 2)' },
      createContext(),
    );
    expect(result).toMatchObject({ stdout: '42\n', exitCode: 0, sandbox: 'local' });
  });

  it('validates its input, naming the primitive and the field', async () => {
    const error = await execution
      .run({ language: 'python', code: '' }, createContext())
      .catch((e: unknown) => e);
    expect(isValidationError(error)).toBe(true);
    expect((error as Error).message).toBe(
      'invalid input of "code-execution": code: there is no code to run',
    );
  });

  it('composes: a timeout around it aborts the code and kills its process', async () => {
    const pidFile = join(dir, 'pid');
    const limited = timeout(execution, 700);
    const error = await limited
      .run(
        {
          language: 'javascript',
          env: { PID_FILE: pidFile },
          code: `import { writeFileSync } from 'node:fs';
writeFileSync(process.env.PID_FILE, String(process.pid));
for (;;) {}`,
        },
        createContext(),
      )
      .catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
    const pid = Number(await readFile(pidFile, 'utf8'));
    await expect.poll(() => gone(pid), { timeout: 120_000 }).toBe(true);
  });

  it('composes with retry: a limit hit is a result, so nothing is retried', async () => {
    let attempts = 0;
    const counted = retry(
      {
        name: 'counted',
        run: (input: Parameters<typeof execution.run>[0], ctx) => {
          attempts++;
          return execution.run(input, ctx);
        },
      },
      { maxRetries: 2, initialDelayMs: 1 },
    );
    const result = await counted.run(
      { language: 'python', timeLimitMs: 300, code: 'while True:\n    pass' },
      createContext(),
    );
    expect(result.timedOut).toBe(true);
    expect(attempts).toBe(1);
  });
});
