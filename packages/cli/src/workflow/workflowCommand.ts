import { usageError } from '../CliError.js';
import { type Io, println } from '../Io.js';

type Command = (argv: readonly string[], io: Io) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  list: async () => (await import('./list.js')).list,
  show: async () => (await import('./show.js')).show,
  validate: async () => (await import('./validate.js')).validate,
  run: async () => (await import('./run.js')).run,
  status: async () => (await import('./status.js')).status,
  resume: async () => (await import('./resume.js')).resume,
  complete: async () => (await import('./complete.js')).complete,
  logs: async () => (await import('./logs.js')).logs,
  cancel: async () => (await import('./cancel.js')).cancel,
  prune: async () => (await import('./prune.js')).prune,
  journal: async () => (await import('./journal.js')).journal,
  note: async () => (await import('./note.js')).note,
  report: async () => (await import('./report.js')).report,
  demo: async () => (await import('./demo.js')).demo,
};

/** The names of the commands, in the order their help lists them. */
export const commandNames: readonly string[] = Object.keys(COMMANDS);

export const workflowHelp = `Usage: tta workflow <command> [options]

Commands:
  list                     the workflows: built-in templates and .tta/workflows/
  show <name> [--mermaid]  the plan of a workflow: stages, personas, steps, gates
  validate [files...]      check workflow files (YAML, schema, expressions, personas)
  run <name> [--input k=v] run a workflow here, durably (.tta/runs/)
  status [run]             runs of this folder, or one run's steps and gates
  resume <run>             continue a run after a failure, a crash or a completed agent step
  complete <run> <step>    complete an agent step the run waits for
  logs <run> [--json]      every recorded event of a run
  cancel <run>             end a waiting or stopped run
  prune --older-than 90d   remove runs that ended long ago (retention)
  journal <run> [--api]    write a run's pages to a Logseq graph (or the app), or rewrite them
  note <run> --decision T  record a decision (or --learning) in a run, for its journal
  report <run> [--html f]  a run's metrics per stage, and its timeline as HTML or SVG
  demo                     release a sample package with package-release, end to end
Run "tta workflow <command> --help" for a command's options.`;

/** Runs `tta workflow <argv>`; resolves to the exit code. */
export async function runWorkflowCommand(argv: readonly string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    println(io, workflowHelp);
    return first === undefined ? 2 : 0;
  }
  const load = COMMANDS[first];
  if (load === undefined) {
    const { didYouMean } = await import('../didYouMean.js');
    throw usageError(
      `tta workflow: unknown command "${first}"${didYouMean(first, Object.keys(COMMANDS))}\n\n${workflowHelp}`,
    );
  }
  try {
    return await (await load())(rest, io);
  } finally {
    // A database's connections would keep the process alive.
    const { closeRunStoreOf } = await import('./_runStore.js');
    await closeRunStoreOf(io);
  }
}
