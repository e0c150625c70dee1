import { summarizeRun } from '@tta-dev/workflows';
import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { colors, type Io, printJson, println } from '../Io.js';
import { table } from '../table.js';
import { runStoreOf } from './_engine.js';

export const statusHelp = `Usage: tta workflow status [run] [--json]

Without a run: every run of this project, newest first. With a run: its stages, steps and gates.

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
  const c = colors(io);
  if (positionals.length === 0) {
    const runs = await store.list();
    if (values.json) printJson(io, runs);
    else if (runs.length === 0)
      println(io, c.dim('No runs yet in this folder: start one with "tta workflow run <name>".'));
    else
      println(
        io,
        table(
          ['RUN', 'WORKFLOW', 'STATUS', 'STARTED'],
          runs.map((r) => [r.runId, r.workflow, r.status, r.started]),
        ),
      );
    return 0;
  }
  const runId = positionals[0]!;
  const events = await store.read(runId);
  const summary = summarizeRun(events);
  if (summary === undefined) throw usageError(`no run "${runId}" here; see "tta workflow status"`);
  if (values.json) {
    printJson(io, { ...summary, events });
    return 0;
  }
  println(io, `${c.bold(runId)} ${summary.workflow}: ${summary.status}`);
  for (const e of events) {
    if (e.type === 'stage_started') println(io, `▶ ${e.stage} (${e.persona})`);
    else if (e.type === 'step_succeeded') println(io, `  ✓ ${e.step}`);
    else if (e.type === 'step_completed') println(io, `  ✓ ${e.step} (by ${e.by})`);
    else if (e.type === 'step_failed')
      println(io, `  ✗ ${e.step}: ${e.error.message.split('\n')[0]}`);
    else if (e.type === 'step_suspended') println(io, `  ⏸ ${e.step} waiting`);
    else if (e.type === 'gate_passed' || e.type === 'gate_failed')
      println(io, `  ◆ ${e.gate} ${e.type === 'gate_passed' ? 'passed' : 'FAILED'}: ${e.reason}`);
    else if (e.type === 'run_completed') println(io, `✓ completed ${JSON.stringify(e.metrics)}`);
  }
  return 0;
}
