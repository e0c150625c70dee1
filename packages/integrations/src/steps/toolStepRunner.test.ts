import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaRegistry } from '@tta-dev/personas';
import { InMemoryRunStore, parseWorkflow, type RunEvent, WorkflowEngine } from '@tta-dev/workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureServer, TEST_PERSONAS } from '../mcp/gateway/gateway.testkit.js';
import { type ToolStepRunner, toolStepRunner } from './toolStepRunner.js';

let home: string;
let registry: PersonaRegistry;
let tools: ToolStepRunner;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'tta-tool-steps-'));
  await mkdir(join(home, 'personas'));
  for (const persona of Object.values(TEST_PERSONAS))
    await writeFile(join(home, 'personas', `${persona.name}.json`), JSON.stringify(persona));
  registry = await PersonaRegistry.load({ home, cwd: home });
  tools = toolStepRunner({
    servers: { fx: fixtureServer('tools') },
    registry,
    env: { PATH: process.env.PATH, FIXTURE_OK: 'yes', FIXTURE_SECRET_TOKEN: 'hidden' },
    cwd: home,
  });
});
afterAll(async () => {
  await tools.close();
  await rm(home, { recursive: true, force: true });
});

const run = async (yaml: string) => {
  const engine = new WorkflowEngine({
    store: new InMemoryRunStore(),
    registry,
    cwd: home,
    env: {},
    runners: { tool: tools.run },
  });
  return engine.start(parseWorkflow('t.workflow.yaml', yaml, { registry }), {}, 'run-1');
};
const failure = (events: readonly RunEvent[]) =>
  events.find((e) => e.type === 'run_failed')?.type === 'run_failed'
    ? (events.find((e) => e.type === 'run_failed') as { error: { message: string } }).error.message
    : undefined;

describe('tool steps through the MCP servers', () => {
  it('calls a real server under the stage persona and records the output and its tokens', async () => {
    const result = await run(`name: t
description: d
stages:
  - id: build
    title: Build
    persona: builder
    steps:
      - id: hello
        tool: fx__echo
        with: { message: "hello from a step" }
      - id: env
        tool: fx__env_report
      - id: use
        run: echo "\${{ steps.hello.output }}"
`);
    expect(result.status).toBe('completed');
    const hello = result.events.find((e) => e.type === 'step_succeeded' && e.step === 'hello');
    expect(hello).toMatchObject({ output: 'hello from a step', tokens: expect.any(Number) });
    // JSON text is parsed; the persona's environment rules reached the server.
    const env = result.events.find((e) => e.type === 'step_succeeded' && e.step === 'env');
    const names = env?.type === 'step_succeeded' ? (env.output as string[]) : [];
    expect(names).toContain('FIXTURE_OK');
    expect(names).not.toContain('FIXTURE_SECRET_TOKEN');
  });

  it("refuses a tool outside the stage persona's rules", async () => {
    const result = await run(`name: t
description: d
stages:
  - id: read
    title: Read
    persona: reader
    steps:
      - id: env
        tool: fx__env_report
`);
    expect(result.status).toBe('failed');
    expect(failure(result.events)).toMatch(/refused: persona "reader" may not use fx__env_report/);
  });

  it('refuses restricted paths and tools that need approval (a run is unattended)', async () => {
    const paths = await run(`name: t
description: d
stages:
  - id: build
    title: Build
    persona: builder
    steps:
      - id: secrets
        tool: fx__read_file
        with: { path: secrets/key.pem }
`);
    expect(failure(paths.events)).toMatch(/restricted path/);
    const merge = await run(`name: t
description: d
stages:
  - id: build
    title: Build
    persona: builder
    steps:
      - id: merge
        tool: fx__merge_pull_request
        with: { number: 7 }
`);
    expect(failure(merge.events)).toMatch(/needs a person's approval/);
  });
});
