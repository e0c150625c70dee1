// Engine overhead per step, against the engines users would pick instead: a linear workflow of N
// trivial steps (each sets one key of the run's state) run by
// - our WorkflowEngine on the in-memory and on the file run store, and on `PostgresRunStore` on a
//   real PostgreSQL 15 the script starts (`@tta-dev/testkit`, fsync on, a database per N; its
//   bytes are the server's WAL and the engine's tables, `pg_total_relation_size`; skipped with
//   a note when PostgreSQL is not installed), reported against the file store of the same rounds,
// - LangGraph.js (a StateGraph of N nodes) with MemorySaver and with the sqlite checkpointer,
// - Mastra (a workflow of N steps) with its in-memory store and with libsql,
// and, as the floor, N core `step` primitives in a `sequence`.
// For N = 10, 100, 1000 it measures the time per step, the bytes the process wrote per step
// (/proc/self/io wchar, whatever the engine writes: log, lease, database, WAL) and the time to
// resume a run stopped at N/2 (ours: a log that ends after step N/2 succeeded, as a crash leaves
// it, resumed by a new engine on a new store; LangGraph: a node that threw, resumed with
// invoke(null) on a new saver; Mastra: a step that suspended, resumed on a new store). Cases run
// interleaved in every round, so ratios are of the same moment of a shared machine: a ratio is
// the median of the per-round ratios. Writes bench/results/engine.json (or --out FILE).
// Usage: node bench/engine.bench.mjs [--sizes 10,100,1000] [--rounds N] [--no-postgres] [--out FILE]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Annotation, END, MemorySaver, START, StateGraph } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import { Mastra } from '@mastra/core/mastra';
import { InMemoryStore } from '@mastra/core/storage';
import { createStep, createWorkflow } from '@mastra/core/workflows';
import { LibSQLStore } from '@mastra/libsql';
import { createContext, sequence, step } from '@tta-dev/core';
import { PersonaRegistry } from '@tta-dev/personas';
import { startPostgres } from '@tta-dev/testkit';
import {
  FileRunStore,
  InMemoryRunStore,
  PostgresRunStore,
  parseWorkflow,
  WorkflowEngine,
} from '@tta-dev/workflows';
import { z } from 'zod';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string' },
    rounds: { type: 'string' },
    out: { type: 'string' },
    'no-postgres': { type: 'boolean' },
  },
});
const sizes = (values.sizes ?? '10,100,1000').split(',').map(Number);
/** Rounds per size (after one warm-up round), fewer for the long runs. */
const roundsFor = (n) => Number(values.rounds ?? (n <= 10 ? 15 : n <= 100 ? 7 : 3));
const root = path.resolve(import.meta.dirname, '..');
const out = values.out ?? path.join(root, 'bench/results/engine.json');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tta-engine-bench-'));
const require = createRequire(import.meta.url);
const versionOf = (name) => {
  // Some packages do not export ./package.json: find it above their entry point.
  let dir = path.dirname(require.resolve(name));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
};
const peers = Object.fromEntries(
  [
    '@langchain/langgraph',
    '@langchain/langgraph-checkpoint-sqlite',
    '@langchain/core',
    'better-sqlite3',
    '@mastra/core',
    '@mastra/libsql',
  ].map((name) => [name, versionOf(name)]),
);

/** Bytes this process has passed to write() so far (Linux). */
const written = () =>
  Number(/^wchar: (\d+)$/m.exec(fs.readFileSync('/proc/self/io', 'utf8'))?.[1] ?? Number.NaN);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round3 = (x) => Math.round(x * 1000) / 1000;
const registry = await PersonaRegistry.load({ home: path.join(tmp, 'home'), cwd: tmp });
let serial = 0;

/**
 * The PostgreSQL of the `oursPostgres` case (fsync on, as in production), or why there is none:
 * the bench runs without it.
 */
let pg;
let postgresSkipped;
if (values['no-postgres']) postgresSkipped = '--no-postgres';
else
  try {
    execFileSync('psql', ['--version']);
    pg = await startPostgres({ fsync: true });
  } catch (error) {
    postgresSkipped = `PostgreSQL unavailable: ${String(error?.message ?? error).split('\n')[0]}`;
  }
if (postgresSkipped !== undefined)
  process.stderr.write(`oursPostgres skipped (${postgresSkipped})\n`);
const psql = (url, sql) => execFileSync('psql', [url, '-Atc', sql], { encoding: 'utf8' }).trim();
/** Bytes of every table of the database at `url`, with indexes and TOAST (what its disk holds). */
const tableBytes = (url) =>
  Number(
    psql(
      url,
      "select coalesce(sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)::regclass)), 0) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')",
    ),
  );
/** The server's WAL position in bytes: what it has written so far (every database). */
const walAt = (url) => Number(psql(url, "select pg_current_wal_lsn() - '0/0'::pg_lsn"));
/** Every PostgresRunStore opened, closed at the end (its pool would keep the process alive). */
const opened = new Set();
const nextId = (prefix) => `${prefix}-${++serial}`;

/** What a run left stopped at step n/2 looks like to each engine, and how it is resumed. */
class StopAfter extends Error {}

/** A store that fails every append after the `after`-th `step_succeeded`: a crash, to the log. */
function stopping(store, after) {
  let succeeded = 0;
  return new Proxy(store, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (key !== 'append') return typeof value === 'function' ? value.bind(target) : value;
      return async (runId, event, options) => {
        if (succeeded >= after) throw new StopAfter('stopped');
        const stored = await target.append(runId, event, options);
        if (event.type === 'step_succeeded') succeeded++;
        return stored;
      };
    },
  });
}

/** `kind`: 'memory', 'file' or 'postgres' (a database of its own per N). */
function ours(n, kind) {
  const durable = kind !== 'memory';
  const yaml = `name: bench\ndescription: ${n} memory steps\nstages:\n  - id: s\n    title: S\n    persona: backend\n    steps:\n${Array.from({ length: n }, (_, i) => `      - id: m${i}\n        memory: { k${i}: ${i} }\n`).join('')}`;
  const workflow = parseWorkflow('bench.workflow.yaml', yaml, { registry });
  const cwd = path.join(tmp, `ours-${kind}-${n}`);
  fs.mkdirSync(cwd, { recursive: true });
  const url = kind === 'postgres' ? pg.createDatabase(`ours_${n}`) : undefined;
  // A new store for each run, as a new process has (and the in-memory one forgets old runs).
  // PostgreSQL's is connected (and its tables made) before the clock starts, as a worker's is.
  const newStore = async () => {
    if (kind === 'memory') return new InMemoryRunStore();
    if (kind === 'file') return new FileRunStore({ cwd });
    const store = new PostgresRunStore({ url: await url });
    opened.add(store);
    await store.summary('connect');
    return store;
  };
  /** The run's stores are closed after it (the bench's process keeps one pool at a time). */
  const done = async (store) => {
    if (kind !== 'postgres') return;
    opened.delete(store);
    await store.close();
  };
  const last = [];
  const closeLast = async () => {
    for (const store of last.splice(0)) await done(store);
  };
  const engine = (s) => new WorkflowEngine({ store: s, registry, cwd });
  const check = (result) => {
    if (result.status !== 'completed') throw new Error(`ours: run ${result.status}`);
  };
  return {
    prepare: async () => {
      await closeLast();
      const store = await newStore();
      last.push(store);
      const main = engine(store);
      return async () => check(await main.start(workflow, {}, nextId('r')));
    },
    stored: async () =>
      kind === 'postgres'
        ? tableBytes(await url)
        : durable
          ? dirBytes(path.join(cwd, '.tta/runs'))
          : 0,
    ...(kind === 'postgres' ? { written: async () => walAt(await url) } : {}),
    prepareResume: async () => {
      await closeLast();
      const store = await newStore();
      last.push(store);
      const runId = nextId('c');
      await engine(stopping(store, n / 2))
        .start(workflow, {}, runId)
        .then(
          () => {
            throw new Error('ours: the stopped run completed');
          },
          (error) => {
            if (!(error instanceof StopAfter)) throw error;
          },
        );
      // After a crash a new process has a new store: nothing of the run is cached.
      const fresh = durable ? await newStore() : store;
      if (fresh !== store) last.push(fresh);
      const resumer = engine(fresh);
      return async () => check(await resumer.resume(runId, workflow));
    },
  };
}

/**
 * `durable`: false for MemorySaver; 'normal' for the sqlite checkpointer as it comes (WAL with
 * better-sqlite3's synchronous=NORMAL: commits are not fsynced); 'full' with synchronous=FULL,
 * which fsyncs every commit, as our store fsyncs every step: the same promise.
 */
function langgraph(n, durable) {
  const file = path.join(tmp, `langgraph-${durable}-${n}.db`);
  const State = Annotation.Root({
    memory: Annotation({ reducer: (a, b) => ({ ...a, ...b }), default: () => ({}) }),
  });
  let failAt = -1;
  let graph = new StateGraph(State);
  for (let i = 0; i < n; i++)
    graph = graph.addNode(`m${i}`, () => {
      if (i === failAt) throw new StopAfter('stopped');
      return { memory: { [`k${i}`]: i } };
    });
  graph = graph.addEdge(START, 'm0');
  for (let i = 1; i < n; i++) graph = graph.addEdge(`m${i - 1}`, `m${i}`);
  graph = graph.addEdge(`m${n - 1}`, END);
  const saver = () => {
    if (!durable) return new MemorySaver();
    const sqlite = SqliteSaver.fromConnString(file);
    if (durable === 'full') sqlite.db.pragma('synchronous = FULL');
    return sqlite;
  };
  // The sqlite file is kept; MemorySaver keeps every checkpoint of every run: one per run.
  const app = durable ? graph.compile({ checkpointer: saver() }) : undefined;
  const compiled = () => app ?? graph.compile({ checkpointer: saver() });
  const config = (thread) => ({ configurable: { thread_id: thread }, recursionLimit: n + 10 });
  const check = (state) => {
    if (Object.keys(state.memory).length !== n) throw new Error('langgraph: steps missing');
  };
  return {
    prepare: async () => {
      const runner = compiled();
      return async () => check(await runner.invoke({}, config(nextId('t'))));
    },
    stored: () => (durable ? dirBytes(tmp, `langgraph-${durable}-${n}.db`) : 0),
    prepareResume: async () => {
      const thread = nextId('c');
      const first = compiled();
      failAt = n / 2;
      await first.invoke({}, config(thread)).then(
        () => {
          throw new Error('langgraph: the stopped run completed');
        },
        (error) => {
          if (!(error instanceof StopAfter)) throw error;
        },
      );
      failAt = -1;
      const resumer = durable ? graph.compile({ checkpointer: saver() }) : first;
      return async () => check(await resumer.invoke(null, config(thread)));
    },
  };
}

function mastra(n, durable) {
  const file = path.join(tmp, `mastra-${n}.db`);
  const schema = z.record(z.string(), z.number());
  let suspendAt = -1;
  const steps = Array.from({ length: n }, (_, i) =>
    createStep({
      id: `m${i}`,
      inputSchema: schema,
      outputSchema: schema,
      execute: async ({ suspend, resumeData }) => {
        if (i === suspendAt && resumeData === undefined) return suspend({});
        // Its own key: Mastra keeps every step's output in the run's snapshot, its run state.
        return { [`k${i}`]: i };
      },
    }),
  );
  let workflow = createWorkflow({ id: 'bench', inputSchema: schema, outputSchema: schema });
  for (const s of steps) workflow = workflow.then(s);
  workflow.commit();
  const instance = (storage) =>
    new Mastra({ workflows: { bench: workflow }, storage, logger: false }).getWorkflow('bench');
  const newStorage = () =>
    durable ? new LibSQLStore({ url: `file:${file}` }) : new InMemoryStore();
  // The libsql file is kept; the in-memory store keeps every run: one per run.
  const main = durable ? instance(newStorage()) : undefined;
  const check = (result) => {
    const done = Object.values(result.steps ?? {}).filter((x) => x.status === 'success');
    if (result.status !== 'success' || done.length !== n)
      throw new Error(`mastra: run ${result.status}`);
  };
  return {
    prepare: async () => {
      const workflow = main ?? instance(newStorage());
      return async () => check(await (await workflow.createRunAsync()).start({ inputData: {} }));
    },
    stored: () => (durable ? dirBytes(tmp, `mastra-${n}.db`) : 0),
    prepareResume: async () => {
      const main = instance(newStorage());
      suspendAt = n / 2;
      const run = await main.createRunAsync();
      const first = await run.start({ inputData: {} });
      suspendAt = -1;
      if (first.status !== 'suspended') throw new Error(`mastra: run ${first.status}`);
      const resumer = durable ? instance(newStorage()) : main;
      return async () => {
        const again = await resumer.createRunAsync({ runId: run.runId });
        check(await again.resume({ step: `m${n / 2}`, resumeData: {} }));
      };
    },
  };
}

function bare(n) {
  const primitive = sequence(
    ...Array.from({ length: n }, (_, i) => step((m) => ({ ...m, [`k${i}`]: i }))),
  );
  return {
    prepare: async () => () => primitive.run({}, createContext()),
    stored: () => 0,
    prepareResume: undefined,
  };
}

/** Bytes of the files in `dir` (whose names start with `prefix`), recursively. */
function dirBytes(dir, prefix = '') {
  let total = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.name.startsWith(prefix)) continue;
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(full) : fs.statSync(full).size;
  }
  return total;
}

const CASES = {
  bare: (n) => bare(n),
  oursMemory: (n) => ours(n, 'memory'),
  oursFile: (n) => ours(n, 'file'),
  ...(pg === undefined ? {} : { oursPostgres: (n) => ours(n, 'postgres') }),
  langgraphMemory: (n) => langgraph(n, false),
  langgraphSqlite: (n) => langgraph(n, 'normal'),
  langgraphSqliteFull: (n) => langgraph(n, 'full'),
  mastraMemory: (n) => mastra(n, false),
  mastraLibsql: (n) => mastra(n, true),
};
/** Each peer is compared with our engine on the same kind of store. */
const OURS_FOR = {
  langgraphMemory: 'oursMemory',
  mastraMemory: 'oursMemory',
  langgraphSqlite: 'oursFile',
  langgraphSqliteFull: 'oursFile',
  mastraLibsql: 'oursFile',
};

/**
 * What one fsync costs right now: an append of 500 bytes and its fdatasync, as our store does at
 * every step; the median of 20, measured once per round between the cases.
 */
function fsyncProbe() {
  const fd = fs.openSync(path.join(tmp, 'fsync-probe'), 'a');
  const times = [];
  try {
    for (let i = 0; i < 20; i++) {
      fs.writeSync(fd, `${'x'.repeat(499)}\n`);
      const t = performance.now();
      fs.fdatasyncSync(fd);
      times.push(performance.now() - t);
    }
  } finally {
    fs.closeSync(fd);
  }
  return median(times);
}

const results = {};
for (const n of sizes) {
  const rounds = roundsFor(n);
  const cases = Object.fromEntries(Object.entries(CASES).map(([k, make]) => [k, make(n)]));
  const samples = Object.fromEntries(
    Object.keys(cases).map((k) => [k, { ms: [], written: [], stored: [], resumeMs: [] }]),
  );
  const fsyncMs = [];
  for (let r = 0; r <= rounds; r++) {
    if (r > 0) fsyncMs.push(fsyncProbe());
    for (const [k, c] of Object.entries(cases)) {
      const go = await c.prepare();
      const storedBefore = await c.stored();
      // A case on a server counts what the server wrote; the others what this process wrote.
      const writtenNow = c.written ?? written;
      const w = await writtenNow();
      const t = performance.now();
      await go();
      const ms = performance.now() - t;
      const bytes = (await writtenNow()) - w;
      const stored = (await c.stored()) - storedBefore;
      let resumeMs;
      if (c.prepareResume !== undefined) {
        const resume = await c.prepareResume();
        const t2 = performance.now();
        await resume();
        resumeMs = performance.now() - t2;
      }
      if (r === 0) continue; // warm-up
      samples[k].ms.push(ms);
      samples[k].written.push(bytes);
      samples[k].stored.push(stored);
      if (resumeMs !== undefined) samples[k].resumeMs.push(resumeMs);
    }
    process.stderr.write(`N=${n} round ${r}/${rounds}\r`);
  }
  const figures = Object.fromEntries(
    Object.entries(samples).map(([k, s]) => [
      k,
      {
        medianMs: Math.round(median(s.ms) * 100) / 100,
        perStepMs: round3(median(s.ms) / n),
        writtenBytesPerStep: Math.round(median(s.written) / n),
        storedBytesPerStep: Math.round(median(s.stored) / n),
        ...(s.resumeMs.length === 0
          ? {}
          : { resumeAtHalfMs: Math.round(median(s.resumeMs) * 100) / 100 }),
        roundsMs: s.ms.map((x) => Math.round(x * 100) / 100),
      },
    ]),
  );
  // Ours over the peer's, per round, then the median: below 1, we are faster.
  const perRound = (a, b, field) =>
    round3(median(samples[a][field].map((x, i) => x / samples[b][field][i])));
  const ratios = Object.fromEntries(
    Object.entries(OURS_FOR).map(([peer, mine]) => [
      peer,
      {
        oursOverPeerPerStep: perRound(mine, peer, 'ms'),
        oursOverPeerResume: perRound(mine, peer, 'resumeMs'),
        oursOverPeerWritten: perRound(mine, peer, 'written'),
      },
    ]),
  );
  // The same engine on PostgreSQL over the file store, in the same rounds: what the server costs.
  const postgresOverFile =
    samples.oursPostgres === undefined
      ? undefined
      : {
          perStep: perRound('oursPostgres', 'oursFile', 'ms'),
          resume: perRound('oursPostgres', 'oursFile', 'resumeMs'),
        };
  results[n] = {
    rounds,
    fdatasyncMs: round3(median(fsyncMs)),
    figures,
    ratios,
    ...(postgresOverFile === undefined ? {} : { postgresOverFile }),
  };
  process.stderr.write(`\nN=${n}  fdatasync ${results[n].fdatasyncMs} ms\n`);
  for (const [k, v] of Object.entries(figures))
    process.stderr.write(
      `  ${k.padEnd(16)} ${String(v.perStepMs).padStart(8)} ms/step ${String(v.writtenBytesPerStep).padStart(8)} B/step written  resume ${v.resumeAtHalfMs ?? '-'} ms\n`,
    );
  for (const [k, v] of Object.entries(ratios))
    process.stderr.write(
      `  ours/${k.padEnd(16)} per step ${v.oursOverPeerPerStep}  resume ${v.oursOverPeerResume}  written ${v.oursOverPeerWritten}\n`,
    );
  if (postgresOverFile !== undefined)
    process.stderr.write(
      `  oursPostgres/oursFile  per step ${postgresOverFile.perStep}  resume ${postgresOverFile.resume}\n`,
    );
}
for (const store of opened) await store.close();
const postgresql =
  pg === undefined ? undefined : execFileSync('psql', ['--version'], { encoding: 'utf8' }).trim();
await pg?.stop();
fs.rmSync(tmp, { recursive: true, force: true });

const target = (n) => results[n]?.ratios.langgraphSqlite;
const summary = {
  benchmark:
    'Workflow engine per step and resume, against LangGraph.js and Mastra, in memory and durable',
  date: new Date().toISOString(),
  node: process.version,
  cpu: { model: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length },
  loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  peers,
  oursPostgres:
    pg === undefined
      ? { skipped: postgresSkipped }
      : {
          postgresql,
          fsync: true,
          bytes:
            'writtenBytesPerStep: the server’s WAL (pg_current_wal_lsn), storedBytesPerStep: the growth of pg_total_relation_size of its tables; other cases: this process’s write() bytes and its files',
        },
  workflow:
    'linear, N steps each setting one key of the run state; ours: `memory` steps in one stage',
  statistic:
    'medians of whole runs after one warm-up round; ratios are medians of per-round ratios (ours / peer)',
  results,
  targets: {
    fileStorePerStepAtMostHalfOfLangGraphSqlite: Object.fromEntries(
      sizes.map((n) => [n, target(n) === undefined ? null : target(n).oursOverPeerPerStep <= 0.5]),
    ),
    resumeAtMostHalfOfLangGraphSqlite: Object.fromEntries(
      sizes
        .filter((n) => n >= 100)
        .map((n) => [n, target(n) === undefined ? null : target(n).oursOverPeerResume <= 0.5]),
    ),
  },
};
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(`${out}.tmp`, `${JSON.stringify(summary, null, 2)}\n`);
fs.renameSync(`${out}.tmp`, out);
