// Issue 16: the engine on one PostgreSQL, against DBOS Transact on the same server.
//
// A linear workflow of N trivial steps, run durably:
//   dbos          DBOS Transact (`@dbos-inc/dbos-sdk`): a registered workflow of N `DBOS.runStep`s
//   oursPostgres  our engine on `PostgresRunStore` (when this build has it)
//   oursFile      our engine on `FileRunStore` (the embedded default), for reference
// on one real PostgreSQL 15 started for the run (`@tta-dev/testkit`, fsync on, as in production),
// each engine in its own database. Per run: wall time ÷ N (ms per step), and what the server
// wrote for it: WAL bytes (`pg_current_wal_lsn()` before and after) and rows left stored in the
// engine's database, ÷ N. Rounds interleave the engines, so ratios (ours ÷ DBOS) are medians of
// same-moment pairs, as in engine.bench.mjs.
//
//   node bench/team.bench.mjs [--sizes 20,200] [--rounds N] [--out FILE]

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DBOS } from '@dbos-inc/dbos-sdk';
import { PersonaRegistry } from '@tta-dev/personas';
import { startPostgres } from '@tta-dev/testkit';
import * as workflows from '@tta-dev/workflows';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '20,200' },
    rounds: { type: 'string', default: '9' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results', 'team.json') },
  },
});
const sizes = args.sizes.split(',').map(Number);
const rounds = Number(args.rounds);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round3 = (x) => Math.round(x * 1000) / 1000;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tta-team-bench-'));
const pg = await startPostgres({ fsync: true });
const psql = (url, sql) => execFileSync('psql', [url, '-Atc', sql], { encoding: 'utf8' }).trim();

/** Rows in every table of the database at `url` (net: what a run leaves stored). */
const rowsIn = (url) =>
  Number(
    psql(
      url,
      `select coalesce(sum((xpath('/row/c/text()', query_to_xml(format('select count(*) as c from %I.%I', schemaname, tablename), false, true, '')))[1]::text::bigint), 0) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')`,
    ),
  );
/** The server's WAL position in bytes: what every database on it has written so far. */
const walAt = (url) => Number(psql(url, "select pg_current_wal_lsn() - '0/0'::pg_lsn"));

/** What the server wrote while `work` ran on the database at `url`: WAL bytes, rows left stored. */
async function written(url, work) {
  const wal0 = walAt(url);
  const rows0 = rowsIn(url);
  const start = performance.now();
  await work();
  const ms = performance.now() - start;
  return { ms, walBytes: walAt(url) - wal0, rows: rowsIn(url) - rows0 };
}

// ---- DBOS Transact
const dbosUrl = await pg.createDatabase('dbos');
DBOS.setConfig({ name: 'team-bench', systemDatabaseUrl: dbosUrl, logLevel: 'error' });
const dbosWorkflows = new Map();
for (const n of sizes) {
  dbosWorkflows.set(
    n,
    DBOS.registerWorkflow(
      async () => {
        const state = {};
        for (let i = 0; i < n; i++)
          state[`k${i}`] = await DBOS.runStep(async () => i, { name: `m${i}` });
        return state;
      },
      { name: `bench${n}` },
    ),
  );
}
await DBOS.launch();

// ---- ours
const registry = await PersonaRegistry.load({ home: path.join(tmp, 'home'), cwd: tmp });
const workflowOf = (n) =>
  workflows.parseWorkflow(
    'bench.workflow.yaml',
    `name: bench\ndescription: ${n} memory steps\nstages:\n  - id: s\n    title: S\n    persona: backend\n    steps:\n${Array.from({ length: n }, (_, i) => `      - id: m${i}\n        memory: { k${i}: ${i} }\n`).join('')}`,
    { registry },
  );
const oursUrl = await pg.createDatabase('ours');
const PostgresRunStore = workflows.PostgresRunStore;
const pgStore = PostgresRunStore === undefined ? undefined : new PostgresRunStore({ url: oursUrl });
let serial = 0;
const oursRun = async (store, workflow) => {
  const result = await new workflows.WorkflowEngine({ store, registry, cwd: tmp }).start(
    workflow,
    {},
    `r-${++serial}`,
  );
  if (result.status !== 'completed') throw new Error(`ours: run ${result.status}`);
};

const cases = {
  dbos: (n) =>
    written(dbosUrl, async () => {
      const state = await dbosWorkflows.get(n)();
      if (Object.keys(state).length !== n) throw new Error('dbos: wrong result');
    }),
  ...(pgStore === undefined
    ? {}
    : { oursPostgres: (n, workflow) => written(oursUrl, () => oursRun(pgStore, workflow)) }),
  oursFile: async (n, workflow) => {
    const store = new workflows.FileRunStore({ cwd: path.join(tmp, 'file') });
    const start = performance.now();
    await oursRun(store, workflow);
    return { ms: performance.now() - start, walBytes: Number.NaN, rows: Number.NaN };
  },
};
if (pgStore === undefined)
  process.stderr.write('this build has no PostgresRunStore: ours on PostgreSQL skipped\n');

const results = {};
for (const n of sizes) {
  const workflow = workflowOf(n);
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let round = 0; round <= rounds; round++) {
    process.stderr.write(`\rN=${n} round ${round}/${rounds}`);
    for (const [name, run] of Object.entries(cases)) {
      const sample = await run(n, workflow);
      if (round > 0) samples[name].push(sample); // round 0 warms up
    }
  }
  const figures = Object.fromEntries(
    Object.entries(samples).map(([name, xs]) => [
      name,
      {
        msPerStep: round3(median(xs.map((x) => x.ms)) / n),
        walBytesPerStep: Math.round(median(xs.map((x) => x.walBytes)) / n),
        rowsPerStep: round3(median(xs.map((x) => x.rows)) / n),
      },
    ]),
  );
  const ratios = Object.fromEntries(
    Object.keys(samples)
      .filter((name) => name !== 'dbos')
      .map((name) => [
        name,
        {
          perStep: round3(median(samples[name].map((x, i) => x.ms / samples.dbos[i].ms))),
          walBytes: round3(
            median(samples[name].map((x, i) => x.walBytes / samples.dbos[i].walBytes)),
          ),
        },
      ]),
  );
  results[n] = { figures, ratios };
  process.stderr.write(`\nN=${n}\n`);
  for (const [name, f] of Object.entries(figures))
    process.stderr.write(
      `  ${name.padEnd(14)} ${String(f.msPerStep).padStart(8)} ms/step  ${String(f.walBytesPerStep).padStart(7)} WAL B/step  ${String(f.rowsPerStep).padStart(6)} rows/step\n`,
    );
  for (const [name, r] of Object.entries(ratios))
    process.stderr.write(`  ${name}/dbos  per step ${r.perStep}  WAL bytes ${r.walBytes}\n`);
}

await DBOS.shutdown();
await pgStore?.close?.();
await pg.stop();
fs.rmSync(tmp, { recursive: true, force: true });

const version = (name) =>
  JSON.parse(
    fs.readFileSync(
      path.join(import.meta.dirname, '..', 'node_modules', name, 'package.json'),
      'utf8',
    ),
  ).version;
fs.mkdirSync(path.dirname(args.out), { recursive: true });
fs.writeFileSync(
  args.out,
  `${JSON.stringify(
    {
      benchmark: 'team',
      date: new Date().toISOString(),
      node: process.version,
      cpu: `${os.cpus()[0]?.model} ×${os.cpus().length}`,
      loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
      peers: { '@dbos-inc/dbos-sdk': version('@dbos-inc/dbos-sdk'), postgresql: psqlVersion() },
      rounds,
      statistic: 'median of the rounds; ratios: median of same-round ours ÷ dbos',
      results,
    },
    null,
    2,
  )}\n`,
);
process.stderr.write(`wrote ${args.out}\n`);

function psqlVersion() {
  return execFileSync('psql', ['--version'], { encoding: 'utf8' }).trim();
}
