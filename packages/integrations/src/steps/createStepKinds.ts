import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type StepKind,
  type StepRunner,
  type StepRunners,
  standardStepKind,
} from '@tta-dev/workflows';
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
 * The step kinds integrations run, for `WorkflowEngine`'s `kinds` and `parseWorkflow`'s: each
 * is the standard kind's declaration (its fields, declared once in @tta-dev/workflows) with the
 * run that lives beside its integration. `tool` has a run only when `options.tool` is given.
 */
export function createStepKinds(options: StepRunnersOptions): StepKind[] {
  const runs: Record<string, StepRunner | undefined> = {
    tool: options.tool,
    // URLs and tokens come from the run's environment (StepRunContext.env), read at each step.
    promql: promqlStepRunner,
    logql: logqlStepRunner,
    git: gitStepRunner,
    github: githubStepRunner,
    // E2B when E2B_API_KEY is set, else the local child-process sandbox.
    code: codeStepRunner(codeSandboxFor(options.env), {
      // README examples import the package they document, and its dependencies: run them from
      // inside the project, with the package linked under its own name.
      examplesSandbox: async (cwd) => {
        const tempRoot = join(cwd, '.tta', 'sandbox');
        await mkdir(tempRoot, { recursive: true });
        const name = await packageNameOf(cwd);
        return codeSandboxFor(options.env, {
          local: { tempRoot, ...(name === undefined ? {} : { links: { [name]: cwd } }) },
        });
      },
    }),
  };
  return Object.entries(runs).flatMap(([kind, run]) =>
    run === undefined ? [] : [{ ...standardStepKind(kind), run }],
  );
}

/** The same runs by kind name, for `WorkflowEngine`'s older `runners` option. */
export function createStepRunners(options: StepRunnersOptions): StepRunners {
  return Object.fromEntries(createStepKinds(options).map((k) => [k.kind, k.run]));
}

/** The npm name of the package in `dir`, when its package.json gives a valid one. */
async function packageNameOf(dir: string): Promise<string | undefined> {
  try {
    const { name } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
      name?: unknown;
    };
    return typeof name === 'string' && /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/.test(name)
      ? name
      : undefined;
  } catch {
    return undefined;
  }
}
