import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { type Io, println } from '../Io.js';
import { loadRegistry } from '../persona/_registry.js';
import { asCliError, engineFor, reportResult, runStoreOf } from './_engine.js';
import { loadNamedWorkflow } from './_workflows.js';
import { progressPrinter } from './progress.js';

export const resumeHelp = `Usage: tta workflow resume <run> [--json]

Continues a run from its recorded events: after a failure, a killed process, or an agent step
completed with "tta workflow complete". Completed steps are not run again; the step that failed
or was interrupted runs again (a step marked idempotent: false is not re-run: complete it by hand).

Options:
  --json   print the events as JSON lines on stdout
  -h, --help`;

export async function resume(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta workflow resume', argv, { json: { type: 'boolean' } });
  if (values.help) {
    println(io, resumeHelp);
    return 0;
  }
  if (positionals.length !== 1)
    throw usageError(`tta workflow resume: expected one run id\n\n${resumeHelp}`);
  const runId = positionals[0]!;
  const events = await runStoreOf(io).read(runId);
  const started = events.find((e) => e.type === 'run_started');
  if (started?.type !== 'run_started')
    throw usageError(`no run "${runId}" in ${io.cwd}/.tta/runs; see "tta workflow status"`);
  const registry = await loadRegistry(io);
  const { workflow } = await loadNamedWorkflow(io, started.workflow, registry);
  const engine = engineFor(io, registry, progressPrinter(io, values.json === true));
  return reportResult(io, await asCliError(() => engine.resume(runId, workflow)));
}
