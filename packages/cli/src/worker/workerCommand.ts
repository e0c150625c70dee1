import { hostname } from 'node:os';
import { runWorker, type WorkerEvent } from '@tta-dev/workflows';
import { parse } from '../args.js';
import { usageError } from '../CliError.js';
import { eprintln, type Io, println } from '../Io.js';
import { loadRegistry } from '../persona/_registry.js';
import { checkToolServers, labelsOption, withEngine } from '../workflow/_engine.js';
import { closeRunStoreOf, runStoreOf } from '../workflow/_runStore.js';
import { loadNamedWorkflow } from '../workflow/_workflows.js';

export const workerHelp = `Usage: tta worker [--labels a,b] [--concurrency N] [--lease-ms N] [--grace-ms N] [--once] [--json]

Drives the project's runs that nobody drives: runs queued ("tta workflow run --queue", a run
handed on before a stage it cannot run, an agent step completed) and runs whose holder died
(its lease lapsed). Exactly one worker takes each run; it resumes it where it stopped. Start as
many as you like, on one machine or several sharing the run store (TTA_RUN_STORE).

A stage with "runsOn: [deploy]" runs only on a worker started with --labels deploy: another
worker hands the run back before that stage. One line per claim and per finish on stderr.
SIGTERM or SIGINT: take nothing more, let the steps under way finish (aborted after --grace-ms),
hand each unfinished run back for another worker, exit 0.

Options:
  --labels a,b       the labels this worker offers (default: none: it takes runs that need none)
  --concurrency N    runs driven at once (default: 1)
  --lease-ms N       how long a claim lasts unless renewed; a dead worker's runs are taken over
                     this long after its last renewal (default: 30000)
  --grace-ms N       on SIGTERM, how long steps under way may go on before they are aborted
                     (default: 30000)
  --once             take what is there now, finish it, exit (tests, cron)
  --json             the claims and finishes as JSON lines on stdout
  -h, --help`;

/** `tta worker`: resolves to 0 once stopped (a signal, or `--once` with nothing left). */
export async function runWorkerCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta worker', argv, {
    labels: { type: 'string' },
    concurrency: { type: 'string' },
    'lease-ms': { type: 'string' },
    'grace-ms': { type: 'string' },
    once: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    println(io, workerHelp);
    return 0;
  }
  if (positionals.length > 0)
    throw usageError(`tta worker: takes no arguments, got "${positionals[0]}"\n\n${workerHelp}`);
  const labels = labelsOption('tta worker', values.labels) ?? [];
  const concurrency = count('--concurrency', values.concurrency, 1, 1);
  const leaseMs = count('--lease-ms', values['lease-ms'], 30_000, 100);
  const graceMs = count('--grace-ms', values['grace-ms'], 30_000, 0);
  const store = runStoreOf(io);
  const registry = await loadRegistry(io);
  const owner = `${hostname()}:${process.pid}:worker`;

  // A stop signal hands the runs back at the next step boundary; after the grace period, the
  // steps under way are aborted too (their runs are handed back all the same).
  const abortSteps = new AbortController();
  let grace: NodeJS.Timeout | undefined;
  const onStop = () => {
    eprintln(
      io,
      `tta worker ${owner}: stopping: claiming nothing more, steps under way have ${graceMs} ms, then their runs are handed back`,
    );
    grace = setTimeout(() => abortSteps.abort(io.signal?.reason), graceMs);
    grace.unref();
  };
  io.signal?.addEventListener('abort', onStop, { once: true });
  const stepIo: Io = { ...io, signal: abortSteps.signal };

  const report = (event: WorkerEvent) => {
    const line = { ...event, worker: owner, time: new Date().toISOString() };
    if (values.json) println(io, JSON.stringify(line));
    else eprintln(io, describe(event));
  };
  eprintln(
    io,
    `tta worker ${owner}: labels ${labels.length > 0 ? labels.join(',') : '(none)'}, concurrency ${concurrency}, lease ${leaseMs} ms${values.once ? ', once' : ''}`,
  );
  try {
    await runWorker({
      store,
      labels,
      concurrency,
      leaseMs,
      once: values.once === true,
      ...(io.signal === undefined ? {} : { signal: io.signal }),
      onEvent: report,
      drive: async (summary, claim, handBack) => {
        const { workflow } = await loadNamedWorkflow(io, summary.workflow, registry);
        await checkToolServers(io, workflow);
        return withEngine(
          stepIo,
          registry,
          () => undefined,
          (engine) => engine.resume(summary.runId, workflow, { claim }),
          store,
          { labels, handBack, owner, leaseTtlMs: leaseMs },
        );
      },
    });
  } finally {
    clearTimeout(grace);
    io.signal?.removeEventListener('abort', onStop);
    // The store's connections (PostgreSQL's pool) would keep the process alive after a stop.
    await closeRunStoreOf(io);
  }
  eprintln(io, `tta worker ${owner}: stopped`);
  return 0;
}

function describe(event: WorkerEvent): string {
  switch (event.type) {
    case 'claimed':
      return `claimed ${event.runId} (${event.workflow}, ${event.was})`;
    case 'finished':
      return `finished ${event.runId} (${event.workflow}): ${event.status === 'queued' ? 'handed back (queued)' : event.status}`;
    case 'error':
      return `error${event.runId === undefined ? '' : ` ${event.runId}`}: ${event.message}`;
  }
}

/** A whole number option of at least `min`, or `fallback` when not given; exit 2 otherwise. */
function count(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min)
    throw usageError(`tta worker: ${name} takes a whole number of at least ${min}, got "${value}"`);
  return n;
}
