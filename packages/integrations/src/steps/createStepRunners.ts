import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepRunner, StepRunners } from '@tta-dev/workflows';
import { gitStepRunner } from '../git/gitStepRunner.js';
import { githubStepRunner } from '../github/githubStepRunner.js';
import { logqlStepRunner } from '../loki/logqlStepRunner.js';
import { promqlStepRunner } from '../prometheus/promqlStepRunner.js';
import { codeSandboxFor } from '../sandbox/codeSandboxFor.js';
import { codeStepRunner } from '../sandbox/codeStepRunner.js';

/** What the step runners need from the application: where MCP servers are, tokens, sandbox limits. */
export interface StepRunnersOptions {
  /** Environment to read configuration from (PROMETHEUS_URL, GITHUB_TOKEN, E2B_API_KEY…). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Runs `tool` steps: a `toolStepRunner`, whose servers the application closes. */
  readonly tool?: StepRunner;
}

/**
 * The runners of every step kind that integrations provide, for `WorkflowEngine`'s `runners`:
 * each kind's runner lives beside its integration and is listed here.
 */
export function createStepRunners(options: StepRunnersOptions): StepRunners {
  return {
    ...(options.tool === undefined ? {} : { tool: options.tool }),
    // URLs and tokens come from the run's environment (StepRunContext.env), read at each step.
    promql: promqlStepRunner,
    logql: logqlStepRunner,
    git: gitStepRunner,
    github: githubStepRunner,
    // E2B when E2B_API_KEY is set, else the local child-process sandbox.
    code: codeStepRunner(codeSandboxFor(options.env), {
      // README examples import the package they document: run them from inside the project.
      examplesSandbox: async (cwd) => {
        const tempRoot = join(cwd, '.tta', 'sandbox');
        await mkdir(tempRoot, { recursive: true });
        return codeSandboxFor(options.env, { local: { tempRoot } });
      },
    }),
  };
}
