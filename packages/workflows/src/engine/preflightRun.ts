import { execFileSync } from 'node:child_process';
import type { Step, WorkflowDefinition } from '../definition/WorkflowSchema.js';
import { renderTemplate } from '../expressions/template.js';
import { isSecretKey } from '../runs/redactSecrets.js';
import { PROJECT_FILE, type ProjectFacts } from './detectProject.js';
import { PreflightError } from './PreflightError.js';
import { RUN_TIME_ONLY } from './planRun.js';
import { resolveInputs } from './resolveInputs.js';

export interface PreflightOptions {
  /** The folder the run works in. */
  readonly cwd: string;
  /** What is known of the project there (`detectProject(cwd)`). */
  readonly project: ProjectFacts;
  /** The environment expressions see (`env.*`). Default: none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The package.json script each detected command comes from. */
const SCRIPT_OF: Readonly<Record<string, string>> = {
  test: 'test',
  testWithCoverage: 'test',
  build: 'build',
};

/** A command line that runs git. */
const runsGit = (command: string) => /(^|[\s;&|(])git\s/.test(command);

/**
 * What the project lacks for this run, one line per problem saying what to do: a `run` step
 * whose command renders to nothing (no test script…), a git step (or a command running git)
 * outside a git work tree. Steps whose `when` is already false are not checked. Empty: go.
 */
export function preflightProblems(
  workflow: WorkflowDefinition,
  given: Record<string, unknown>,
  options: PreflightOptions,
): string[] {
  const { cwd, project } = options;
  const env = Object.fromEntries(
    Object.entries(options.env ?? {}).filter(([name]) => !isSecretKey(name)),
  );
  const scope = { inputs: resolveInputs(workflow, given), memory: {}, steps: {}, project, env };
  /** The text rendered now; undefined when only the run can tell (or it does not render). */
  const render = (text: string): { value: unknown } | undefined => {
    if (RUN_TIME_ONLY.test(text)) return undefined;
    try {
      return { value: renderTemplate(text, scope) };
    } catch {
      return undefined;
    }
  };
  // A step runs unless its `when` is false already (one only the run can tell is checked).
  const live = (step: Step) => {
    const when = step.when === undefined ? undefined : render(step.when);
    return when === undefined || Boolean(when.value);
  };
  const missing = new Map<string, string[]>();
  const problems: string[] = [];
  const gitSteps: string[] = [];
  for (const step of workflow.stages.flatMap((stage) => stage.steps).filter(live)) {
    if (step.kind === 'git') gitSteps.push(step.id);
    if (step.kind !== 'run') continue;
    if (runsGit(step.run)) gitSteps.push(step.id);
    const rendered = render(step.run);
    if (rendered === undefined) continue;
    const { value } = rendered;
    if (value !== undefined && value !== null && String(value).trim() !== '') continue;
    const commands = project.commands as Record<string, string | undefined>;
    const name = [...step.run.matchAll(/project\.commands\.([\w-]+)/g)]
      .map((m) => m[1]!)
      .find((n) => commands[n] === undefined);
    if (name === undefined)
      problems.push(`step "${step.id}" has no command: "${step.run}" renders empty`);
    else missing.set(name, [...(missing.get(name) ?? []), step.id]);
  }
  problems.unshift(
    ...[...missing].map(
      ([name, ids]) =>
        `no ${name} command found (step${ids.length > 1 ? 's' : ''} ${ids.join(', ')}): ${howToGet(name, project)}`,
    ),
  );
  for (const gate of workflow.stages.flatMap((s) => s.gates))
    if ('command' in gate && runsGit(gate.command)) gitSteps.push(gate.id);
  if (gitSteps.length > 0) {
    const problem = gitProblem(cwd);
    if (problem !== undefined)
      problems.push(
        `${problem}: ${workflow.name} needs one (${gitSteps.join(', ')}); run "git init", or run it in a clone`,
      );
  }
  return problems;
}

/** Throws a `PreflightError` listing what the project lacks for this run, if anything. */
export function preflightRun(
  workflow: WorkflowDefinition,
  given: Record<string, unknown>,
  options: PreflightOptions,
): void {
  const problems = preflightProblems(workflow, given, options);
  if (problems.length > 0) throw new PreflightError(problems);
}

function howToGet(name: string, project: ProjectFacts): string {
  const own = `set commands.${name} in ${PROJECT_FILE}`;
  const script = SCRIPT_OF[name];
  if (project.ecosystem === 'javascript' && script !== undefined)
    return `add a "${script}" script to package.json, or ${own}`;
  if (project.ecosystem === 'unknown')
    return `there is no package.json or pyproject.toml here; add one, or ${own}`;
  return own;
}

/** Why `cwd` is not in a git work tree, or undefined when it is. */
function gitProblem(cwd: string): string | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', '--is-inside-work-tree'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.trim() === 'true' ? undefined : `not a git work tree (${cwd})`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return 'git is not installed (or not on PATH)';
    return `not a git repository (${cwd})`;
  }
}
