import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { type Io, println } from '../Io.js';
import { loadRegistry } from '../persona/_registry.js';
import { checkToolServers } from './_engine.js';
import { withJournalDefault } from './_journal.js';
import { projectRootOf, runStoreOf } from './_runStore.js';
import { driveOptions, terminalDrive } from './_terminalDrive.js';
import { loadNamedWorkflow } from './_workflows.js';

export const resumeHelp = `Usage: tta workflow resume <run> [--from <stage|step|gate>] [--labels a,b] [--json]

Continues a run from its recorded events: after a failure, a killed process, or an agent step
completed with "tta workflow complete". Completed steps are not run again; the step that failed
or was interrupted runs again (a step marked idempotent: false is not re-run: complete it by hand).

Options:
  --from X  run again from stage X (the whole stage), step X (it and the rest of its stage) or
           gate X (from the first step it reads), and everything after: fix what a gate found,
           then go on in the same run
  --labels a,b
           the worker labels this process offers: before a stage whose runsOn names one it
           lacks, the run is handed to the workers ("tta worker --labels"); default: every label
  --journal[=graph|api]
           write the run's Logseq pages as it goes, after each stage and at the end
           (default: $TTA_JOURNAL); see "tta workflow journal --help"
  --json   print the events as JSON lines on stdout
  -h, --help`;

export async function resume(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta workflow resume', withJournalDefault(argv), {
    ...driveOptions,
    from: { type: 'string' },
  });
  if (values.help) {
    println(io, resumeHelp);
    return 0;
  }
  if (positionals.length !== 1)
    throw usageError(`tta workflow resume: expected one run id\n\n${resumeHelp}`);
  const runId = positionals[0]!;
  const terminal = terminalDrive(io, 'tta workflow resume', values);
  const events = await runStoreOf(io).read(runId);
  const started = events.find((e) => e.type === 'run_started');
  if (started?.type !== 'run_started')
    throw usageError(
      `no run "${runId}" in ${projectRootOf(io)}/.tta/runs; see "tta workflow status"`,
    );
  const registry = await loadRegistry(io);
  const { workflow } = await loadNamedWorkflow(io, started.workflow, registry);
  await checkToolServers(io, workflow);
  return terminal.drive(registry, (engine) =>
    engine.resume(runId, workflow, values.from === undefined ? {} : { from: values.from }),
  );
}
