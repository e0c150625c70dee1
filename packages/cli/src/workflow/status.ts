import { foldRun, type StepState, summaryOf } from '@tta-dev/workflows/runs';
import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { colors, eprintln, type Io, printJson, println } from '../Io.js';
import { table } from '../table.js';
import { runStoreOf, storeLabelOf } from './_runStore.js';
import { formatMetrics } from './formatMetrics.js';

export const statusHelp = `Usage: tta workflow status [run] [--json]

Without a run: every run of this project, newest first. With a run: its stages, steps and gates.
Either way it says which store it read: the runs folder, or the PostgreSQL URL of TTA_RUN_STORE
(its password as ***).

Options:
  --json   print as JSON
  -h, --help`;

export async function status(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta workflow status', argv, { json: { type: 'boolean' } });
  if (values.help) {
    println(io, statusHelp);
    return 0;
  }
  const store = runStoreOf(io);
  const label = storeLabelOf(store);
  const c = colors(io);
  if (positionals.length === 0) {
    const runs = await store.list();
    if (values.json) printJson(io, { store: label, runs });
    else if (runs.length === 0)
      println(io, c.dim(`No runs yet in ${label}: start one with "tta workflow run <name>".`));
    else {
      println(io, c.dim(`Runs in ${label}`));
      println(
        io,
        table(
          ['RUN', 'WORKFLOW', 'STATUS', 'STARTED'],
          runs.map((r) => [r.runId, r.workflow, r.status, r.started]),
        ),
      );
      // A broken log does not hide the other runs; what is wrong with it goes to stderr.
      for (const r of runs) if (r.error !== undefined) eprintln(io, `${r.runId}: ${r.error}`);
    }
    return 0;
  }
  const runId = positionals[0]!;
  const events = await store.read(runId);
  const state = foldRun(events);
  if (state === undefined) throw usageError(`no run "${runId}" here; see "tta workflow status"`);
  if (values.json) {
    printJson(io, { ...summaryOf(state), store: label, state, events });
    return 0;
  }
  const needs = state.needs?.length ? ` (for a worker with ${state.needs.join(', ')})` : '';
  println(io, `${c.bold(runId)} ${state.workflow}: ${state.status}${needs} ${c.dim(`(${label})`)}`);
  for (const stage of state.stages) {
    println(io, `▶ ${stage.id} (${stage.persona}): ${stage.status}`);
    for (const step of stage.steps) println(io, `  ${stepLine(step)}`);
    for (const gate of stage.gates)
      println(io, `  ◆ ${gate.id} ${gate.passed ? 'passed' : 'FAILED'}: ${gate.reason}`);
  }
  if (state.completed !== undefined)
    println(io, `✓ completed: ${formatMetrics(state.completed.metrics)}`);
  return 0;
}

/** A step on one line, by its outcome. */
function stepLine(step: StepState): string {
  const attempts = step.attempts > 1 ? ` (${step.attempts} attempts)` : '';
  switch (step.outcome) {
    case 'succeeded':
      return `✓ ${step.id}${attempts}`;
    case 'completed':
      return `✓ ${step.id} (by ${step.by})`;
    case 'skipped':
      return `– ${step.id} skipped`;
    case 'waiting':
      return `⏸ ${step.id} waiting`;
    case 'failed':
      return `✗ ${step.id}${attempts}: ${step.error?.message.split('\n')[0] ?? 'failed'}`;
    case 'interrupted':
      return `! ${step.id} interrupted`;
    case 'running':
      return `… ${step.id} running`;
  }
}
