import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaRegistry } from '@tta-dev/personas';
import {
  foldRun,
  InMemoryRunStore,
  parseWorkflow,
  type RunEvent,
  type RunResult,
  WorkflowEngine,
} from '@tta-dev/workflows';
import { createStepRunners } from './createStepKinds.js';

/**
 * Runs a workflow (YAML text) with the engine and integrations' step runners, in `cwd`, with
 * the built-in personas (from a temporary, empty TTA home).
 */
export async function runWorkflow(
  yaml: string,
  options: {
    cwd: string;
    env: Record<string, string | undefined>;
    inputs?: Record<string, unknown>;
  },
): Promise<RunResult> {
  const home = await mkdtemp(join(tmpdir(), 'tta-home-'));
  try {
    const registry = await PersonaRegistry.load({ home, cwd: options.cwd });
    const engine = new WorkflowEngine({
      store: new InMemoryRunStore(),
      registry,
      cwd: options.cwd,
      env: options.env,
      runners: createStepRunners({ env: options.env }),
    });
    return await engine.start(
      parseWorkflow('test.workflow.yaml', yaml, { registry }),
      options.inputs ?? {},
    );
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** The recorded output of a step that succeeded, or undefined. */
export function stepOutput(events: readonly RunEvent[], step: string): unknown {
  return foldRun(events)?.outputs[step];
}

/** The error of a failed run, or undefined. */
export function runError(
  events: readonly RunEvent[],
): { step?: string; name: string; message: string } | undefined {
  for (const e of events)
    if (e.type === 'run_failed')
      return { ...(e.step === undefined ? {} : { step: e.step }), ...e.error };
  return undefined;
}
