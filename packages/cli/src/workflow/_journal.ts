import {
  isLogseqError,
  LogseqApiGraph,
  LogseqFileGraph,
  resolveGraphDir,
} from '@tta-dev/integrations';
import type { RunEvent } from '@tta-dev/workflows';
import { type JournalSink, runJournal, writeRunJournal } from '@tta-dev/workflows/journal';
import { CliError, usageError } from '../CliError.js';
import { eprintln, type Io } from '../Io.js';
import { projectRootOf, runStoreOf } from './_runStore.js';

/** Where a run's journal goes: a Logseq file graph, or the Logseq app through its HTTP API. */
export type JournalTarget = { kind: 'graph'; dir: string } | { kind: 'api' };

/** `--journal` alone means `--journal=graph` (parseArgs wants a value for a string option). */
export function withJournalDefault(argv: readonly string[]): string[] {
  return argv.map((arg) => (arg === '--journal' ? '--journal=graph' : arg));
}

/**
 * The journal target of `run`/`resume`: `--journal[=graph|api]`, else `TTA_JOURNAL` (`graph`,
 * `api`, `1`/`true` for graph; empty, `0`, `false` or `off` for none). The graph folder is
 * `LOGSEQ_GRAPH_PATH`, else `.tta/logseq` at the project root.
 */
export function autoJournalTarget(io: Io, flag: string | undefined): JournalTarget | undefined {
  const from = flag !== undefined ? '--journal' : 'TTA_JOURNAL';
  const value = (flag ?? io.env.TTA_JOURNAL ?? '').trim().toLowerCase();
  if (['', '0', 'false', 'off', 'no'].includes(value)) return undefined;
  if (['graph', '1', 'true', 'on', 'yes'].includes(value))
    return { kind: 'graph', dir: graphDirOf(io) };
  if (value === 'api') return { kind: 'api' };
  throw usageError(`${from}: expected graph or api, got "${flag ?? io.env.TTA_JOURNAL}"`);
}

/**
 * The graph folder: `given` (`--graph`) or `LOGSEQ_GRAPH_PATH` from the working folder, else
 * `.tta/logseq` at the project root, beside the runs it journals.
 */
export function graphDirOf(io: Io, given?: string): string {
  const base = given || io.env.LOGSEQ_GRAPH_PATH ? io.cwd : projectRootOf(io);
  return resolveGraphDir(base, given, io.env);
}

export function sinkOf(io: Io, target: JournalTarget): JournalSink & { where: string } {
  if (target.kind === 'graph')
    return Object.assign(new LogseqFileGraph(target.dir), { where: target.dir });
  const api = new LogseqApiGraph({ env: io.env });
  return Object.assign(api, { where: `Logseq at ${api.api.url}` });
}

/** Writes a run's journal from its recorded events; resolves with the page names. */
export async function writeJournalOfRun(
  io: Io,
  runId: string,
  sink: JournalSink,
  prefix?: string,
): Promise<ReturnType<typeof runJournal>> {
  const events = await runStoreOf(io).read(runId);
  if (events.length === 0)
    throw usageError(
      `no run "${runId}" in ${projectRootOf(io)}/.tta/runs; see "tta workflow status"`,
    );
  const journal = runJournal(events, prefix === undefined ? {} : { prefix });
  await asJournalError(() => writeRunJournal(journal, sink));
  return journal;
}

/** Logseq errors as CLI errors: a bad config.edn or token is bad input (2), the rest exit 1. */
export async function asJournalError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isLogseqError(error)) throw error;
    throw new CliError(
      error.message,
      error.reason === 'config' || error.reason === 'unauthorized' ? 2 : 1,
    );
  }
}

/**
 * Writes the journal of a run as it goes: after each stage, when it stops (a gate, a failure, a
 * step to be done by someone), and at the end (`flush`). Writes take turns; a failed write is a
 * warning on stderr, never a failed run.
 */
export function autoJournal(io: Io, flag: string | undefined) {
  const target = autoJournalTarget(io, flag);
  if (target === undefined) return undefined;
  const sink = sinkOf(io, target);
  let queue: Promise<void> = Promise.resolve();
  let runId: string | undefined;
  let warned = false;
  const write = () => {
    const id = runId;
    if (id === undefined) return;
    queue = queue.then(async () => {
      try {
        await writeJournalOfRun(io, id, sink);
      } catch (error) {
        if (!warned)
          eprintln(
            io,
            `tta: the journal of ${id} was not written to ${sink.where}: ${(error as Error).message}`,
          );
        warned = true;
      }
    });
  };
  return {
    onEvent(event: RunEvent): void {
      runId = event.runId;
      if (
        event.type === 'stage_completed' ||
        event.type === 'gate_failed' ||
        event.type === 'run_failed' ||
        event.type === 'step_suspended'
      )
        write();
    },
    async flush(): Promise<void> {
      write();
      await queue;
      if (!warned && runId !== undefined) eprintln(io, `Journal of ${runId}: ${sink.where}`);
    },
  };
}
