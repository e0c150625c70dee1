import { detectProject, foldRun, planRun, preflightRun, type RunPlan } from '@tta-dev/workflows';
import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { colors, eprintln, type Io, printJson, println } from '../Io.js';
import { loadRegistry } from '../persona/_registry.js';
import { checkToolServers, withEngine } from './_engine.js';
import { withJournalDefault } from './_journal.js';
import { projectRootOf } from './_runStore.js';
import { driveOptions, terminalDrive } from './_terminalDrive.js';
import { loadNamedWorkflow } from './_workflows.js';

export const runHelp = `Usage: tta workflow run <name|file> [--input key=value]... [--run-id ID] [--queue] [--labels a,b] [--dry-run] [--json]

Runs a workflow in the project (found from the current folder upward): each stage under its
persona (the MCP gateway follows), steps, quality gates. Every transition is recorded in
.tta/runs/<run>/events.jsonl, so a run can be resumed after a failure or a crash ("tta workflow
resume"). An agent step pauses the run until it is completed ("tta workflow complete"). First (with --dry-run too) it checks what the steps
need of the project (a command for each run step, a git repository) and says what is missing.
Exit 0 when completed or waiting, 1 when a step or gate failed, 2 for bad input or a project
that lacks what the workflow needs.

Options:
  --input k=v   a workflow input (repeatable); see "tta workflow show <name>"
  --run-id ID   the run's id (default: <workflow>-<time>-<random>)
  --queue       record the run (inputs checked) for the workers and return at once with its id:
                a "tta worker" of the project drives it (see "tta worker --help")
  --labels a,b  the worker labels this process offers: before a stage whose runsOn names one
                it lacks, the run is handed to the workers; default: every label
  --dry-run     check the inputs and print the plan (stages, personas, steps, gates); run nothing
  --journal[=graph|api]
                write the run's Logseq pages as it goes, after each stage and at the end
                (default: $TTA_JOURNAL); see "tta workflow journal --help"
  --json        print the events as JSON lines on stdout
  -h, --help`;

export async function run(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta workflow run', withJournalDefault(argv), {
    ...driveOptions,
    input: { type: 'string', short: 'i', multiple: true as const },
    'run-id': { type: 'string' },
    'dry-run': { type: 'boolean' },
    queue: { type: 'boolean' },
  });
  if (values.help) {
    println(io, runHelp);
    return 0;
  }
  if (positionals.length !== 1)
    throw usageError(`tta workflow run: expected one workflow name\n\n${runHelp}`);
  const inputs: Record<string, string> = {};
  for (const pair of values.input ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw usageError(`tta workflow run: --input takes key=value, got "${pair}"`);
    const name = pair.slice(0, eq);
    if (Object.hasOwn(inputs, name))
      throw usageError(`tta workflow run: input "${name}" is given twice; give it once`);
    inputs[name] = pair.slice(eq + 1);
  }
  const terminal = terminalDrive(io, 'tta workflow run', values, {
    journal: !values['dry-run'] && !values.queue,
  });
  if (values.queue && (values['dry-run'] || terminal.labels !== undefined))
    throw usageError(
      `tta workflow run: --queue runs nothing here: give it without ${values['dry-run'] ? '--dry-run' : '--labels'}`,
    );
  const registry = await loadRegistry(io);
  const { workflow } = await loadNamedWorkflow(io, positionals[0]!, registry);
  await checkToolServers(io, workflow);
  // What the project lacks (a test command, a git repository) stops the run before it starts.
  const cwd = projectRootOf(io);
  const project = detectProject(cwd);
  preflightRun(workflow, inputs, { cwd, project, env: io.env });
  if (values['dry-run']) {
    const plan = planRun(workflow, inputs, {
      project,
      personaName: (query) => registry.resolve(query)?.persona.name ?? query,
    });
    if (values.json) printJson(io, plan);
    else println(io, formatPlan(io, plan));
    return 0;
  }
  const runId = values['run-id'] === undefined ? [] : [values['run-id']];
  if (values.queue) {
    const queued = await withEngine(
      io,
      registry,
      () => undefined,
      (engine) => engine.queue(workflow, inputs, ...runId),
    );
    const needs = foldRun(queued.events)?.needs ?? [];
    if (values.json) printJson(io, { runId: queued.runId, status: queued.status, needs });
    else println(io, queued.runId);
    eprintln(
      io,
      `Queued run ${queued.runId}: a "tta worker"${needs.length > 0 ? ` with --labels ${needs.join(',')}` : ''} of this project drives it; "tta workflow status ${queued.runId}" shows where it is.`,
    );
    return 0;
  }
  return terminal.drive(registry, (engine) => engine.start(workflow, inputs, ...runId));
}

function formatPlan(io: Io, plan: RunPlan): string {
  const c = colors(io);
  const lines = [
    `${c.bold(plan.workflow)} ${c.dim(`dry run, inputs ${JSON.stringify(plan.inputs)}`)}`,
  ];
  plan.stages.forEach((stage, i) => {
    lines.push(
      `${c.bold(`${i + 1}. ${stage.title}`)} ${c.dim(`[${stage.id}] as ${stage.persona}`)}`,
    );
    for (const step of stage.steps) {
      const extra = [
        step.when && `when ${step.when}`,
        step.fallbacks > 0 && `${step.fallbacks} fallback(s)`,
      ]
        .filter(Boolean)
        .join(', ');
      lines.push(
        `   · ${step.id} ${c.dim(`(${step.kind})`)} ${step.action}${extra ? c.dim(` — ${extra}`) : ''}`,
      );
    }
    for (const gate of stage.gates)
      lines.push(
        `   ${c.cyan('◆')} gate ${gate.name}${gate.when ? c.dim(` — when ${gate.when}`) : ''}`,
      );
  });
  lines.push(c.dim('Nothing was run.'));
  return lines.join('\n');
}
