import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type RunServer, startRunServer } from '@tta-dev/integrations';
import {
  type EngineOptions,
  FileRunStore,
  parseWorkflow,
  type RunResult,
  type WorkflowDefinition,
  WorkflowEngine,
} from '@tta-dev/workflows';

type PersonaRegistry = EngineOptions['registry'];

/** A release small enough for a test: a command, a gate, and an `agent` step for a person. */
export const MINI_RELEASE = `name: mini-release
description: A small release, journalled in Logseq.
inputs:
  bump: { type: string, default: minor }
stages:
  - id: prepare
    title: Prepare
    persona: backend
    steps:
      - id: bump-version
        run: echo 1.3.0
    gates:
      - id: version-set
        expression: "\${{ steps.bump-version.output.stdout == '1.3.0' }}"
  - id: verify
    title: Verify
    persona: testing
    steps:
      - id: coverage
        run: echo 87
      - id: release-notes
        agent: |
          Write the release notes for \${{ steps.bump-version.output.stdout }}.

          - one line per change
        expected: Markdown
    gates:
      - id: coverage-ok
        value: "\${{ steps.coverage.output.stdout }}"
        min: 80
`;

export interface RealRun {
  store: FileRunStore;
  engine: WorkflowEngine;
  workflow: WorkflowDefinition;
  /** The run, suspended at its `release-notes` step. */
  started: RunResult;
}

/**
 * Runs `MINI_RELEASE` for real with the workflow engine, in `dir` (commands run there, events go
 * to `dir/.tta/runs`), until its agent step suspends it.
 */
export async function startRealRun(dir: string): Promise<RealRun> {
  const registry = await loadRegistry();
  const workflow = parseWorkflow('mini-release.workflow.yaml', MINI_RELEASE, { registry });
  const store = new FileRunStore({ root: join(dir, '.tta', 'runs') });
  const engine = new WorkflowEngine({ store, registry, cwd: dir, env: process.env });
  const started = await engine.start(workflow, { bump: 'minor' });
  if (started.status !== 'suspended')
    throw new Error(`the run should wait for its agent step, but it is ${started.status}`);
  return { store, engine, workflow, started };
}

export const TEST_TOKEN = 'plugin-test-token-0123456789';

export interface ServedRun extends RealRun {
  server: RunServer;
  token: string;
}

/**
 * A real run (see `startRealRun`) served by the real run server, with a token (so that browsers
 * may call it), completing steps and resuming the run with the same engine, as `tta serve` does.
 */
export async function startServedRun(dir: string): Promise<ServedRun> {
  const run = await startRealRun(dir);
  const server = await startRunServer({
    store: run.store,
    version: 'test',
    token: TEST_TOKEN,
    pollMs: 50,
    complete: (runId, step, output, options) => run.engine.complete(runId, step, output, options),
    resume: (runId) => run.engine.resume(runId, run.workflow),
  });
  return { ...run, server, token: TEST_TOKEN };
}

/** Stops the server once the run it resumes is done. */
export async function stopServedRun(served: ServedRun | undefined): Promise<void> {
  if (served === undefined) return;
  await served.server.close();
  await served.server.idle();
}

/**
 * The built-in personas. `@tta-dev/personas` is a dependency of `@tta-dev/workflows`, not of the
 * plugin: it is resolved from there, as the engine itself resolves it.
 */
async function loadRegistry(): Promise<PersonaRegistry> {
  const fromWorkflows = createRequire(createRequire(import.meta.url).resolve('@tta-dev/workflows'));
  const personas = (await import(
    pathToFileURL(fromWorkflows.resolve('@tta-dev/personas')).href
  )) as {
    PersonaRegistry: { load(options: { home: string; cwd: string }): Promise<PersonaRegistry> };
  };
  return personas.PersonaRegistry.load({ home: '/nonexistent-tta-home', cwd: '/' });
}
