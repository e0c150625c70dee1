import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaRegistry } from '@tta-dev/personas';
import {
  InMemoryRunStore,
  parseWorkflow,
  type RunEvent,
  type StepRunner,
  WorkflowEngine,
} from '@tta-dev/workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStepRunners } from '../steps/createStepKinds.js';
import type { CodeResult } from './CodeSandbox.js';
import { codeSandboxFor } from './codeSandboxFor.js';
import { codeStepRunner } from './codeStepRunner.js';
import { LocalSandbox } from './LocalSandbox.js';

let registry: PersonaRegistry;
let cwd: string;
beforeAll(async () => {
  registry = await PersonaRegistry.load({ home: '/nonexistent-tta-home', cwd: '/' });
  cwd = await mkdtemp(join(tmpdir(), 'tta-code-steps-'));
});
afterAll(() => rm(cwd, { recursive: true, force: true }));

const code = codeStepRunner(new LocalSandbox());

const run = (yaml: string, runner: StepRunner = code) =>
  new WorkflowEngine({
    store: new InMemoryRunStore(),
    registry,
    cwd,
    env: { PATH: process.env.PATH, DEPLOY_SECRET_TOKEN: 'never-in-code-91c2' },
    runners: { code: runner },
  }).start(parseWorkflow('code.workflow.yaml', yaml, { registry }), {}, 'run-1');

const gone = (pid: number) => {
  try {
    return /^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
};

const outputOf = (events: readonly RunEvent[], step: string) =>
  (
    events.find((e) => e.type === 'step_succeeded' && e.step === step) as
      | { output: CodeResult }
      | undefined
  )?.output;
const failure = (events: readonly RunEvent[]) =>
  (events.find((e) => e.type === 'run_failed') as { error: { name: string; message: string } })
    ?.error;

describe('code steps through the WorkflowEngine', () => {
  it('runs JavaScript, TypeScript and Python steps that feed each other, and a gate reads them', async () => {
    const result = await run(`name: code-demo
description: Code steps.
stages:
  - id: compute
    title: Compute
    persona: backend
    steps:
      - id: sum
        code: |
          console.log(JSON.stringify({ total: 40 + 2, secret: process.env.DEPLOY_SECRET_TOKEN ?? null }));
      - id: typed
        language: typescript
        env: { PREVIOUS: "\${{ steps.sum.output.stdout }}" }
        code: |
          const previous: { total: number } = JSON.parse(process.env.PREVIOUS ?? '{}');
          console.log(previous.total + 1);
      - id: doubled
        language: python
        memoryMb: 64
        files: { "data.txt": "\${{ steps.typed.output.stdout }}" }
        code: |
          print(int(open("data.txt").read()) * 2)
    gates:
      - id: big-enough
        value: "\${{ steps.doubled.output.stdout }}"
        min: 86
`);
    expect(failure(result.events)).toBeUndefined();
    expect(result.status).toBe('completed');
    expect(JSON.parse(outputOf(result.events, 'sum')!.stdout)).toEqual({ total: 42, secret: null });
    expect(outputOf(result.events, 'typed')).toMatchObject({
      stdout: '43\n',
      language: 'typescript',
    });
    expect(outputOf(result.events, 'doubled')).toMatchObject({
      stdout: '86\n',
      exitCode: 0,
      timedOut: false,
      outOfMemory: false,
      sandbox: 'local',
    });
    expect(result.events.some((e) => e.type === 'gate_passed')).toBe(true);
  });

  it('fails the step on a non-zero exit, with the end of stderr in the message', async () => {
    const result = await run(`name: code-fails
description: d
stages:
  - id: s
    title: S
    persona: backend
    steps:
      - id: boom
        language: python
        code: |
          import sys
          print("config missing", file=sys.stderr)
          sys.exit(3)
`);
    expect(result.status).toBe('failed');
    expect(failure(result.events)).toEqual({
      name: 'CodeStepFailedError',
      code: 'TTA_CODE_STEP_FAILED',
      message:
        'code step "boom": python code (local sandbox) exited 3 (expected 0):\nconfig missing',
    });
  });

  it('accepts the expected exit code, and with allowFailure outputs a timed-out result', async () => {
    const result = await run(`name: code-allowed
description: d
stages:
  - id: s
    title: S
    persona: backend
    steps:
      - id: three
        language: python
        expectExitCode: 3
        code: raise SystemExit(3)
      - id: slow
        timeLimitMs: 500
        allowFailure: true
        code: for (;;) {}
`);
    expect(result.status).toBe('completed');
    expect(outputOf(result.events, 'three')!.exitCode).toBe(3);
    expect(outputOf(result.events, 'slow')).toMatchObject({ timedOut: true, exitCode: null });
  });

  it('fails a step whose code hits its time limit or memory limit, saying which', async () => {
    const slow = await run(`name: code-slow
description: d
stages:
  - id: s
    title: S
    persona: backend
    steps:
      - id: spin
        timeLimitMs: 500
        code: for (;;) {}
`);
    expect(failure(slow.events)).toEqual({
      name: 'CodeStepFailedError',
      code: 'TTA_CODE_STEP_FAILED',
      message:
        'code step "spin": javascript code (local sandbox) timed out: killed at the time limit of 500 ms',
    });

    const hungry = await run(`name: code-hungry
description: d
stages:
  - id: s
    title: S
    persona: backend
    steps:
      - id: hog
        language: python
        memoryMb: 48
        code: |
          blocks = []
          while True:
              blocks.append(bytearray(8 * 1024 * 1024))
`);
    expect(failure(hungry.events)).toMatchObject({
      name: 'CodeStepFailedError',
      message: expect.stringMatching(
        /^code step "hog": python code \(local sandbox\) ran out of memory: .*MemoryError.*\(memory limit 48 MB\)/,
      ),
    });
  });

  it("holds the code's time limit within the step's timeoutMs, so the code dies with its step", async () => {
    const pidFile = join(cwd, 'spin.pid');
    const result = await run(`name: code-step-timeout
description: d
stages:
  - id: s
    title: S
    persona: backend
    steps:
      - id: spin
        timeoutMs: 4000
        env: { PID_FILE: "${pidFile}" }
        code: |
          import { writeFileSync } from 'node:fs';
          writeFileSync(process.env.PID_FILE, String(process.pid));
          for (;;) {}
`);
    expect(result.status).toBe('failed');
    // 4 s leave a loaded machine time to start Node and write the pid before the loop.
    const pid = Number(await readFile(pidFile, 'utf8'));
    await expect.poll(() => gone(pid), { timeout: 120_000 }).toBe(true);
  });

  it('names the step and field when a rendered field has the wrong type', async () => {
    const result = await run(
      `name: code-bad
description: d
stages:
  - id: s
    title: S
    persona: backend
    steps:
      - id: odd
        language: python
        env: { N: "1" }
        code: print(1)
`,
      async (step, context) =>
        code({ ...step, language: 'ruby' } as unknown as typeof step, context),
    );
    expect(failure(result.events)).toMatchObject({
      name: 'InvalidStepError',
      message: expect.stringMatching(/^code step "odd": language: /),
    });
  });

  it('is the code runner of createStepRunners: local without E2B_API_KEY, E2B with it', async () => {
    const local = createStepRunners({ env: { PATH: process.env.PATH } }).code!;
    const ok = await run(
      `name: code-local
description: d
stages:
  - id: s
    title: S
    persona: backend
    steps:
      - id: hello
        language: python
        code: print("local")
`,
      local,
    );
    expect(outputOf(ok.events, 'hello')).toMatchObject({ stdout: 'local\n', sandbox: 'local' });

    // The choice: E2B when the key is set and not blank.
    expect(codeSandboxFor({ E2B_API_KEY: 'e2b_key' }).kind).toBe('e2b');
    expect(codeSandboxFor({ E2B_API_KEY: '  ' }).kind).toBe('local');
    expect(codeSandboxFor({}).kind).toBe('local');
  });
});
