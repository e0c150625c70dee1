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
// `--growth`: how storage grows with the steps of a run, instead of the timing rounds. For each
// N (10, 100, 1,000 by default) each engine runs ⌈1000/N⌉ runs of N steps (the same steps for
// every N, so page rounding weighs the same), and what its database holds after them, less
// before, is divided by the steps: the bytes of its tables with indexes and TOAST
// (`pg_total_relation_size`, dead row versions not yet vacuumed included), the bytes of their
// live rows (`pg_column_size`), the rows, and the server's WAL bytes. Linear growth is bytes per
// step staying flat as N grows; a store that rewrites the run's state at every step (Mastra's
// snapshot, issue 20747 of mastra-ai/mastra) writes bytes per step growing with N. Ours on the
// file store is measured too (the bytes of its folder). One run of each engine comes first.
//
//   node bench/team.bench.mjs [--sizes 20,200] [--rounds N] [--out FILE]
//   node bench/team.bench.mjs --growth [--sizes 10,100,1000] [--out FILE]

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
    sizes: { type: 'string' },
    rounds: { type: 'string', default: '9' },
    growth: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const growth = args.growth;
const sizes = (args.sizes ?? (growth ? '10,100,1000' : '20,200')).split(',').map(Number);
const out =
  args.out ?? path.join(import.meta.dirname, 'results', growth ? 'team-growth.json' : 'team.json');
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
/** The sum over every table of the database at `url` of `expression` (a `%I.%I` per table). */
const overTables = (url, expression) =>
  Number(
    psql(
      url,
      `select coalesce(sum((xpath('/row/c/text()', query_to_xml(format('${expression}', schemaname, tablename), false, true, '')))[1]::text::bigint), 0) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')`,
    ),
  );
/** What the database at `url` holds: its tables' bytes on disk, their live rows' bytes, rows. */
const heldIn = (url) => ({
  tableBytes: overTables(url, "select pg_total_relation_size(''%I.%I'') as c"),
  rowBytes: overTables(url, 'select coalesce(sum(pg_column_size(t.*)), 0) as c from %I.%I t'),
  rows: rowsIn(url),
});
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

const dbosRun = async (n) => {
  const state = await dbosWorkflows.get(n)();
  if (Object.keys(state).length !== n) throw new Error('dbos: wrong result');
};

const cases = {
  dbos: (n) => written(dbosUrl, () => dbosRun(n)),
  ...(pgStore === undefined
    ? {}
    : { oursPostgres: (_n, workflow) => written(oursUrl, () => oursRun(pgStore, workflow)) }),
  oursFile: async (_n, workflow) => {
    const store = new workflows.FileRunStore({ cwd: path.join(tmp, 'file') });
    const start = performance.now();
    await oursRun(store, workflow);
    return { ms: performance.now() - start, walBytes: Number.NaN, rows: Number.NaN };
  },
};
if (pgStore === undefined)
  process.stderr.write('this build has no PostgresRunStore: ours on PostgreSQL skipped\n');

const results = growth ? await growthResults() : await timingResults();

async function timingResults() {
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
  return results;
}

/** `--growth`: what each engine's storage holds per step after runs of N steps, for each N. */
async function growthResults() {
  const total = Math.max(...sizes);
  const fileCwd = path.join(tmp, 'growth-file');
  const results = {};
  // One run of each first: a table's first pages and index roots are no step's growth.
  const first = workflowOf(sizes[0]);
  await dbosRun(sizes[0]);
  if (pgStore !== undefined) await oursRun(pgStore, first);
  await oursRun(new workflows.FileRunStore({ cwd: fileCwd }), first);
  for (const n of sizes) {
    const workflow = workflowOf(n);
    const runs = Math.ceil(total / n);
    const steps = runs * n;
    const figures = {};
    const onServer = [
      ['dbos', dbosUrl, () => dbosRun(n)],
      ...(pgStore === undefined
        ? []
        : [['oursPostgres', oursUrl, () => oursRun(pgStore, workflow)]]),
    ];
    for (const [name, url, run] of onServer) {
      const before = heldIn(url);
      const wal0 = walAt(url);
      const start = performance.now();
      for (let i = 1; i <= runs; i++) {
        process.stderr.write(`\rN=${n} ${name} run ${i}/${runs}   `);
        await run();
      }
      const ms = performance.now() - start;
      const walBytes = walAt(url) - wal0;
      const after = heldIn(url);
      figures[name] = {
        runs,
        steps,
        msPerStep: round3(ms / steps),
        tableBytesPerStep: Math.round((after.tableBytes - before.tableBytes) / steps),
        rowBytesPerStep: Math.round((after.rowBytes - before.rowBytes) / steps),
        rowsPerStep: round3((after.rows - before.rows) / steps),
        walBytesPerStep: Math.round(walBytes / steps),
      };
    }
    const before = dirBytes(fileCwd);
    const start = performance.now();
    for (let i = 1; i <= runs; i++) {
      process.stderr.write(`\rN=${n} oursFile run ${i}/${runs}   `);
      await oursRun(new workflows.FileRunStore({ cwd: fileCwd }), workflow);
    }
    figures.oursFile = {
      runs,
      steps,
      msPerStep: round3((performance.now() - start) / steps),
      fileBytesPerStep: Math.round((dirBytes(fileCwd) - before) / steps),
    };
    results[n] = figures;
    process.stderr.write(`\nN=${n} (${runs} runs of ${n} steps)\n`);
    for (const [name, f] of Object.entries(figures))
      process.stderr.write(
        `  ${name.padEnd(14)} ${f.tableBytesPerStep === undefined ? `files ${f.fileBytesPerStep} B/step` : `tables ${f.tableBytesPerStep} B/step  live rows ${f.rowBytesPerStep} B/step  ${f.rowsPerStep} rows/step  WAL ${f.walBytesPerStep} B/step`}\n`,
      );
  }
  return results;
}

/** Bytes of the files under `dir`, recursively (0 when it does not exist). */
function dirBytes(dir) {
  if (!fs.existsSync(dir)) return 0;
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(full) : fs.statSync(full).size;
  }
  return total;
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
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(
  out,
  `${JSON.stringify(
    {
      benchmark: growth ? 'team-growth' : 'team',
      date: new Date().toISOString(),
      node: process.version,
      cpu: `${os.cpus()[0]?.model} ×${os.cpus().length}`,
      loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
      peers: { '@dbos-inc/dbos-sdk': version('@dbos-inc/dbos-sdk'), postgresql: psqlVersion() },
      ...(growth
        ? {
            method: `for each N, ⌈${Math.max(...sizes)}/N⌉ runs of N steps; what the engine's database holds after them less before, ÷ the steps: tables with indexes and TOAST (pg_total_relation_size, dead row versions not yet vacuumed included), live rows (pg_column_size), rows, the server's WAL; oursFile: the bytes of its run folder`,
          }
        : {
            rounds,
            statistic: 'median of the rounds; ratios: median of same-round ours ÷ dbos',
          }),
      results,
    },
    null,
    2,
  )}\n`,
);
process.stderr.write(`wrote ${out}\n`);

function psqlVersion() {
  return execFileSync('psql', ['--version'], { encoding: 'utf8' }).trim();
}
