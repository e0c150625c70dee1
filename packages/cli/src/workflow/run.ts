import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { type Io, println } from '../Io.js';
import { loadRegistry } from '../persona/_registry.js';
import { asCliError, engineFor, reportResult } from './_engine.js';
import { loadNamedWorkflow } from './_workflows.js';
import { progressPrinter } from './progress.js';

export const runHelp = `Usage: tta workflow run <name|file> [--input key=value]... [--run-id ID] [--json]

Runs a workflow in the current folder: each stage under its persona (the MCP gateway follows),
steps, quality gates. Every transition is recorded in .tta/runs/<run>/events.jsonl, so a run can
be resumed after a failure or a crash ("tta workflow resume"). An agent step pauses the run until
it is completed ("tta workflow complete"). Exit 0 when completed or waiting, 1 when a step or
gate failed, 2 for bad input.

Options:
  --input k=v   a workflow input (repeatable); see "tta workflow show <name>"
  --run-id ID   the run's id (default: <workflow>-<time>-<random>)
  --json        print the events as JSON lines on stdout
  -h, --help`;

export async function run(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta workflow run', argv, {
    input: { type: 'string', short: 'i', multiple: true as const },
    'run-id': { type: 'string' },
    json: { type: 'boolean' },
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
    inputs[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const registry = await loadRegistry(io);
  const { workflow } = await loadNamedWorkflow(io, positionals[0]!, registry);
  const engine = engineFor(io, registry, progressPrinter(io, values.json === true));
  const result = await asCliError(() =>
    engine.start(workflow, inputs, ...(values['run-id'] === undefined ? [] : [values['run-id']])),
  );
  return reportResult(io, result);
}
