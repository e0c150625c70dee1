// Issue 16: how many runs per minute `tta worker` processes finish, with 1, 2 and 4 of them.
//
// A temp project holds a small workflow of 3 stages × 2 steps (each stage its own persona), in
// two workloads:
//   memory   `memory` steps: no outside work, the orchestration ceiling (store, lease, events)
//   command  `run: "true"` steps: what spawning a command through the shell adds
// on two stores:
//   postgres  one real PostgreSQL 15 started for the run (`@tta-dev/testkit`, fsync on, as in
//             production), a fresh database per case, given to the workers as `TTA_RUN_STORE`
//             (skipped with a note when PostgreSQL is not installed)
//   file      the project's `.tta/runs` (the embedded default), for reference
// Per case: M runs are queued from this script (the engine's `queue()`, as `tta workflow run
// --queue` does), W workers are spawned (`node packages/cli/dist/bin/tta.js worker --concurrency
// C --json`), and the clock runs from their spawn until the store says every run is `completed`
// (its `changes()`, then each changed run's `summary()`: no sleep), then the workers get SIGTERM
// and must exit 0. Recorded: runs/min and steps/s from the spawn (start-up included), the same
// over the drain alone (first claim to last finish, from the workers' JSON lines), how many runs
// each worker took, and the scaling W=2 ÷ W=1 and W=4 ÷ W=1, medians of same-round ratios (the
// W values of a round run back to back). Each worker is a Node process: on a machine with fewer
// cores than W·(1 + PostgreSQL's backends) the scaling shows the cores, not the engine: the
// results record the core count.
//
//   node bench/workers.bench.mjs [--runs 30] [--workers 1,2,4] [--concurrency 2] [--rounds 1]
//                                [--stores postgres,file] [--workloads memory,command] [--out FILE]

import { execFileSync, spawn } from 'node:child_process';
import { once, setMaxListeners } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PersonaRegistry } from '@tta-dev/personas';
import { startPostgres } from '@tta-dev/testkit';
import { openRunStore, parseWorkflow, WorkflowEngine } from '@tta-dev/workflows';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    workers: { type: 'string', default: '1,2,4' },
    concurrency: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '1' },
    stores: { type: 'string', default: 'postgres,file' },
    workloads: { type: 'string', default: 'memory,command' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results', 'workers.json') },
  },
});
const runs = Number(args.runs);
const workerCounts = args.workers.split(',').map(Number);
const concurrency = Number(args.concurrency);
const rounds = Number(args.rounds);
let storeNames = args.stores.split(',');
const workloadNames = args.workloads.split(',');
for (const [name, ok] of [
  ['--runs', Number.isSafeInteger(runs) && runs > 0],
  ['--workers', workerCounts.every((w) => Number.isSafeInteger(w) && w > 0)],
  ['--concurrency', Number.isSafeInteger(concurrency) && concurrency > 0],
  ['--rounds', Number.isSafeInteger(rounds) && rounds > 0],
  ['--stores', storeNames.every((s) => s === 'postgres' || s === 'file')],
  ['--workloads', workloadNames.every((w) => w === 'memory' || w === 'command')],
])
  if (!ok) {
    process.stderr.write(`workers.bench: bad ${name}\n`);
    process.exit(2);
  }

const root = path.resolve(import.meta.dirname, '..');
const tta = path.join(root, 'packages/cli/dist/bin/tta.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round3 = (x) => Math.round(x * 1000) / 1000;
const round1 = (x) => Math.round(x * 10) / 10;

const STAGES = [
  ['build', 'backend'],
  ['test', 'qa'],
  ['ship', 'devops'],
];
const STEPS_PER_STAGE = 2;
const stepsPerRun = STAGES.length * STEPS_PER_STAGE;
const yamlOf = (workload) =>
  `name: drain-${workload}\ndescription: ${stepsPerRun} ${workload} steps in ${STAGES.length} stages\nstages:\n${STAGES.map(
    ([id, persona]) =>
      `  - id: ${id}\n    title: ${id}\n    persona: ${persona}\n    steps:\n${Array.from(
        { length: STEPS_PER_STAGE },
        (_, i) =>
          workload === 'memory'
            ? `      - id: ${id}${i}\n        memory: { ${id}${i}: ${i} }\n`
            : `      - id: ${id}${i}\n        run: "true"\n`,
      ).join('')}`,
  ).join('')}`;

// The file store's changes() follows every run with its own abort listener: not a leak here.
setMaxListeners(10 * runs + 10);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tta-workers-bench-'));
const home = path.join(tmp, 'home');
const loadBefore = os.loadavg();
/** PostgreSQL for the `postgres` store, or why there is none: the file store is run all the same. */
let pg;
let postgresSkipped;
if (storeNames.includes('postgres'))
  try {
    execFileSync('psql', ['--version']);
    pg = await startPostgres({ fsync: true });
  } catch (error) {
    postgresSkipped = `PostgreSQL unavailable: ${String(error?.message ?? error).split('\n')[0]}`;
    storeNames = storeNames.filter((s) => s !== 'postgres');
    process.stderr.write(`the postgres store is skipped (${postgresSkipped})\n`);
  }
let serial = 0;
/** Every worker spawned, killed if the bench fails before it stops them. */
const children = new Set();
const cleanUp = async () => {
  for (const child of children) child.kill('SIGKILL');
  await pg?.stop().catch(() => undefined);
  fs.rmSync(tmp, { recursive: true, force: true });
};

/** A new project (and, on PostgreSQL, a new database) with `runs` runs of `workload` queued. */
async function prepare(storeName, workload) {
  const id = `c${++serial}`;
  const project = path.join(tmp, id);
  fs.mkdirSync(path.join(project, '.tta', 'workflows'), { recursive: true });
  const yaml = yamlOf(workload);
  fs.writeFileSync(
    path.join(project, '.tta', 'workflows', `drain-${workload}.workflow.yaml`),
    yaml,
  );
  const env =
    storeName === 'postgres' ? { TTA_RUN_STORE: await pg.createDatabase(`bench_${id}`) } : {};
  const store = openRunStore({ cwd: project, env });
  const registry = await PersonaRegistry.load({ home, cwd: project });
  const workflow = parseWorkflow(`drain-${workload}.workflow.yaml`, yaml, { registry });
  const engine = new WorkflowEngine({ store, registry, cwd: project });
  const ids = [];
  for (let i = 0; i < runs; i++) {
    const result = await engine.queue(workflow, {}, `r${i}`);
    if (result.status !== 'queued') throw new Error(`queue: run ${result.status}`);
    ids.push(`r${i}`);
  }
  return { project, env, store, ids };
}

/**
 * Resolves, once listening, to `{ done }`: `done` resolves to the moment (performance.now) the
 * store shows every run of `ids` completed, and rejects when one fails.
 */
async function watchCompletion(store, ids) {
  const stop = new AbortController();
  const pending = new Set(ids);
  let ready;
  const listening = new Promise((resolve) => {
    ready = resolve;
  });
  const done = (async () => {
    // Coalesced: a run that changed several times while a summary was read comes once.
    for await (const id of store.changes({ signal: stop.signal, onReady: ready })) {
      if (!pending.has(id)) continue;
      const status = (await store.summary(id))?.status;
      if (status === 'completed') pending.delete(id);
      else if (status === 'failed' || status === 'gate_failed' || status === 'unreadable')
        throw new Error(`run ${id}: ${status}`);
      if (pending.size === 0) return performance.now();
    }
    throw new Error('the store stopped telling changes');
  })();
  done.catch(() => undefined);
  await Promise.race([listening, done]);
  return { done, stop: () => stop.abort() };
}

function startWorker(project, env, name) {
  const child = spawn(
    process.execPath,
    [tta, 'worker', '--concurrency', String(concurrency), '--json'],
    {
      cwd: project,
      env: { ...process.env, ...env, TTA_HOME: home, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  children.add(child);
  const exited = once(child, 'exit').then(([code, signal]) => {
    children.delete(child);
    return { code, signal };
  });
  const lines = () =>
    stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  return { name, child, exited, lines, stderr: () => stderr };
}

/** One case: W workers drain the queue of a fresh project. */
async function measure(storeName, workload, w) {
  const { project, env, store, ids } = await prepare(storeName, workload);
  const watching = await watchCompletion(store, ids);
  const spawnedAt = Date.now();
  const t0 = performance.now();
  const workers = Array.from({ length: w }, (_, i) => startWorker(project, env, `w${i}`));
  let end;
  try {
    end = await watching.done;
  } finally {
    watching.stop();
    for (const worker of workers) worker.child.kill('SIGTERM');
  }
  const wallMs = end - t0;
  for (const worker of workers) {
    const { code } = await worker.exited;
    if (code !== 0)
      throw new Error(`worker ${worker.name} exited ${code}: ${worker.stderr().slice(-2000)}`);
  }
  const finalList = await store.list();
  await store.close?.();
  const completed = finalList.filter((r) => r.status === 'completed').length;
  if (completed !== runs) throw new Error(`${completed} of ${runs} runs completed`);
  const events = workers.flatMap((worker) =>
    worker.lines().map((e) => ({ ...e, by: worker.name })),
  );
  const errors = events.filter((e) => e.type === 'error');
  if (errors.length > 0) throw new Error(`worker errors: ${JSON.stringify(errors.slice(0, 3))}`);
  const claims = events.filter((e) => e.type === 'claimed');
  const finishes = events.filter((e) => e.type === 'finished' && e.status === 'completed');
  const firstClaim = Math.min(...claims.map((e) => Date.parse(e.time)));
  const lastFinish = Math.max(...finishes.map((e) => Date.parse(e.time)));
  const drainMs = lastFinish - firstClaim;
  fs.rmSync(project, { recursive: true, force: true });
  return {
    wallMs,
    drainMs,
    firstClaimMs: firstClaim - spawnedAt,
    runsPerMin: (runs / wallMs) * 60_000,
    runsPerMinDraining: (runs / drainMs) * 60_000,
    stepsPerSec: ((runs * stepsPerRun) / wallMs) * 1000,
    stepsPerSecDraining: ((runs * stepsPerRun) / drainMs) * 1000,
    claims: claims.length,
    runsByWorker: workers.map((worker) => finishes.filter((e) => e.by === worker.name).length),
  };
}

const cases = storeNames.flatMap((s) => workloadNames.map((w) => [s, w]));
const samples = Object.fromEntries(
  cases.map(([s, w]) => [`${s}/${w}`, Object.fromEntries(workerCounts.map((n) => [n, []]))]),
);
try {
  for (let round = 1; round <= rounds; round++)
    for (const [storeName, workload] of cases)
      for (const w of workerCounts) {
        process.stderr.write(`round ${round}/${rounds}  ${storeName}/${workload}  W=${w} ...`);
        const sample = await measure(storeName, workload, w);
        samples[`${storeName}/${workload}`][w].push(sample);
        process.stderr.write(
          ` ${round1(sample.runsPerMin)} runs/min (draining ${round1(sample.runsPerMinDraining)}), first claim after ${sample.firstClaimMs} ms, by worker ${sample.runsByWorker.join('/')}\n`,
        );
      }
} catch (error) {
  await cleanUp();
  throw error;
}

const anchor = workerCounts[0];
const results = {};
for (const [key, byW] of Object.entries(samples)) {
  const figures = Object.fromEntries(
    Object.entries(byW).map(([w, xs]) => [
      w,
      {
        runsPerMin: round1(median(xs.map((x) => x.runsPerMin))),
        stepsPerSec: round1(median(xs.map((x) => x.stepsPerSec))),
        runsPerMinDraining: round1(median(xs.map((x) => x.runsPerMinDraining))),
        stepsPerSecDraining: round1(median(xs.map((x) => x.stepsPerSecDraining))),
        wallMs: Math.round(median(xs.map((x) => x.wallMs))),
        firstClaimMs: Math.round(median(xs.map((x) => x.firstClaimMs))),
        claims: xs.map((x) => x.claims),
        runsByWorker: xs.map((x) => x.runsByWorker),
      },
    ]),
  );
  // W workers over the first W of the list, per round, then the median.
  const scaling = Object.fromEntries(
    workerCounts
      .filter((w) => w !== anchor)
      .map((w) => [
        `${w}/${anchor}`,
        {
          runsPerMin: round3(
            median(byW[w].map((x, i) => x.runsPerMin / byW[anchor][i].runsPerMin)),
          ),
          draining: round3(
            median(byW[w].map((x, i) => x.runsPerMinDraining / byW[anchor][i].runsPerMinDraining)),
          ),
        },
      ]),
  );
  results[key] = { figures, scaling };
  process.stderr.write(`\n${key}\n`);
  for (const [w, f] of Object.entries(figures))
    process.stderr.write(
      `  W=${w}  ${String(f.runsPerMin).padStart(7)} runs/min  ${String(f.stepsPerSec).padStart(6)} steps/s  draining ${String(f.runsPerMinDraining).padStart(7)} runs/min  ${String(f.stepsPerSecDraining).padStart(6)} steps/s\n`,
    );
  for (const [k, s] of Object.entries(scaling))
    process.stderr.write(`  W=${k}  ×${s.runsPerMin} (draining ×${s.draining})\n`);
}

const postgresql = pg === undefined ? undefined : psqlVersion();
await cleanUp();

fs.mkdirSync(path.dirname(args.out), { recursive: true });
fs.writeFileSync(
  `${args.out}.tmp`,
  `${JSON.stringify(
    {
      benchmark: 'workers',
      date: new Date().toISOString(),
      node: process.version,
      cpu: { model: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length },
      note: `${os.cpus().length} cores shared by this script, the W workers and PostgreSQL's backends: scaling past the core count shows the machine, not the engine`,
      loadAverage: {
        before: loadBefore.map((x) => Math.round(x * 100) / 100),
        after: os.loadavg().map((x) => Math.round(x * 100) / 100),
      },
      ...(postgresql === undefined ? {} : { postgresql, fsync: true }),
      ...(postgresSkipped === undefined ? {} : { postgresSkipped }),
      settings: { runs, stepsPerRun, workers: workerCounts, concurrency, rounds },
      workloads: { memory: '`memory` steps', command: '`run: "true"` steps (a shell each)' },
      statistic:
        'medians of the rounds; runsPerMin/stepsPerSec from the workers’ spawn to the store showing every run completed; …Draining from the first claim to the last finish; scaling: median of same-round ratios',
      results,
    },
    null,
    2,
  )}\n`,
);
fs.renameSync(`${args.out}.tmp`, args.out);
process.stderr.write(`wrote ${args.out}\n`);

function psqlVersion() {
  return execFileSync('psql', ['--version'], { encoding: 'utf8' }).trim();
}
