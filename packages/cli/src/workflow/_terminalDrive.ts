import type { PersonaRegistry } from '@tta-dev/personas';
import type { RunResult, WorkflowEngine } from '@tta-dev/workflows';
import type { Io } from '../Io.js';
import { labelsOption, reportResult, withEngine } from './_engine.js';
import { autoJournal } from './_journal.js';
import { runStoreOf } from './_runStore.js';
import { progressPrinter } from './progress.js';

/** The options of `tta workflow run` and `resume` that say how a drive shows and where it runs. */
export const driveOptions = {
  journal: { type: 'string' },
  labels: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** What the command line gave of `driveOptions`. */
export interface DriveValues {
  readonly journal?: string | undefined;
  readonly labels?: string | undefined;
  readonly json?: boolean | undefined;
}

/**
 * A drive in the terminal, as `run` and `resume` do it: `--labels` checked (before anything is
 * loaded), the journal (`--journal`, `TTA_JOURNAL`) unless `journal: false`, then `drive` runs
 * the engine's work with the progress (`--json`: events as JSON lines) and the journal following
 * its events, and resolves to the exit code (`reportResult`).
 */
export function terminalDrive(
  io: Io,
  command: string,
  values: DriveValues,
  options: { journal?: boolean } = {},
) {
  const labels = labelsOption(command, values.labels);
  const journal = options.journal === false ? undefined : autoJournal(io, values.journal);
  return {
    labels,
    async drive(
      registry: PersonaRegistry,
      work: (engine: WorkflowEngine) => Promise<RunResult>,
    ): Promise<number> {
      const progress = progressPrinter(io, values.json === true);
      const result = await withEngine(
        io,
        registry,
        (event) => {
          progress(event);
          journal?.onEvent(event);
        },
        work,
        runStoreOf(io),
        labels === undefined ? {} : { labels },
      );
      await journal?.flush();
      return reportResult(io, result);
    },
  };
}
