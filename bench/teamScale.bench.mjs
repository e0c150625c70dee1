// Issue 16: how far one PostgreSQL carries a team's runs. With 1,000, 10,000 and 100,000 runs
// of a release-sized workflow in one `PostgresRunStore`:
//   bytes      what the store keeps per run and per event (tables and indexes,
//              pg_total_relation_size), so retention can be sized in GB per year
//   list       `store.list()` (what `tta workflow status`, `tta serve`'s /api/runs and every
//              worker read), median of `--rounds`, and `tta workflow status --json` as a process
//   prune      `pruneRuns` removing 1,000 of them (each under its lease): runs removed per second
// The first run is a real engine run (4 stages, 14 steps: memory steps and commands with output,
// as a release has); the others are copies of its rows under new ids and earlier times, made by
// SQL so that 100,000 runs take a minute, not hours. One real PostgreSQL 15 (`@tta-dev/testkit`,
// fsync on). Results: bench/results/team-scale.json.
//
//   node bench/teamScale.bench.mjs [--sizes 1000,10000,100000] [--rounds 5] [--out FILE]

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PersonaRegistry } from '@tta-dev/personas';
import { startPostgres } from '@tta-dev/testkit';
import * as workflows from '@tta-dev/workflows';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000,100000' },
    rounds: { type: 'string', default: '5' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results', 'team-scale.json') },
  },
});
const sizes = args.sizes.split(',').map(Number);
const rounds = Number(args.rounds);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round1 = (x) => Math.round(x * 10) / 10;
const say = (text) => process.stderr.write(`${text}\n`);
const TTA = path.join(import.meta.dirname, '..', 'packages/cli/dist/bin/tta.js');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tta-team-scale-'));
const pg = await startPostgres({ fsync: true });
const url = await pg.createDatabase('scale');
const psql = (sql) => execFileSync('psql', [url, '-Atc', sql], { encoding: 'utf8' }).trim();

const registry = await PersonaRegistry.load({ home: path.join(tmp, 'home'), cwd: tmp });
const stage = (id, persona, steps) =>
  `  - id: ${id}\n    title: ${id}\n    persona: ${persona}\n    steps:\n${steps.join('')}`;
const memory = (id) => `      - id: ${id}\n        memory: { ${id}: done }\n`;
const command = (id, text) => `      - id: ${id}\n        run: echo "${text}"\n`;
const workflow = workflows.parseWorkflow(
  'release.workflow.yaml',
  `name: release\ndescription: a release-sized run\nstages:\n${[
    stage('prepare', 'backend', [
      command('version', 'v1.2.3'),
      memory('notes'),
      command('changelog', 'fixes and features'),
    ]),
    stage('test', 'testing', [
      command('unit', '412 passed, 0 failed'),
      command('coverage', 'lines 87.5%'),
      memory('report'),
      command('lint', 'no problems'),
    ]),
    stage('build', 'devops', [
      command('compile', 'built 12 packages'),
      memory('artifacts'),
      command('pack', 'packed'),
    ]),
    stage('publish', 'devops', [
      command('tag', 'tagged v1.2.3'),
      command('publish', 'published'),
      memory('released'),
      command('announce', 'announced'),
    ]),
  ].join('')}`,
  { registry },
);

const store = new workflows.PostgresRunStore({ url });
const result = await new workflows.WorkflowEngine({ store, registry, cwd: tmp }).start(
  workflow,
  {},
  'template',
);
if (result.status !== 'completed') throw new Error(`template run ${result.status}`);
const templateEvents = (await store.read('template')).length;
say(`template run: ${templateEvents} events`);

/** Copies the template's rows until the store holds `n` runs, each a minute older than the last. */
function fillTo(n) {
  const have = Number(psql('select count(*) from tta_runs'));
  if (have >= n) return;
  psql(`
    insert into tta_runs (run_id, workflow, status, started, updated, events, summary)
      select 'r' || g, workflow, status, started - g * interval '1 minute',
        updated - g * interval '1 minute', events,
        jsonb_set(jsonb_set(summary, '{runId}', to_jsonb('r' || g)), '{started}',
          to_jsonb(to_char((started - g * interval '1 minute') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
      from tta_runs, generate_series(${have}, ${n - 1}) g where run_id = 'template';
    insert into tta_run_events (run_id, seq, time, type, event)
      select 'r' || g, seq, time - g * interval '1 minute', type, event
      from tta_run_events, generate_series(${have}, ${n - 1}) g where run_id = 'template';`);
  psql('vacuum analyze');
}

const bytes = () =>
  Number(
    psql(
      "select sum(pg_total_relation_size(c.oid)) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r' and c.relname like 'tta_%'",
    ),
  );

const figures = {};
for (const n of sizes) {
  const start = performance.now();
  fillTo(n);
  say(`N=${n}: filled in ${Math.round(performance.now() - start)} ms`);
  const stored = bytes();
  const listMs = [];
  for (let i = 0; i < rounds; i++) {
    const s = new workflows.PostgresRunStore({ url });
    await s.list(); // connects and checks the schema: not what is measured
    const t = performance.now();
    const runs = await s.list();
    listMs.push(performance.now() - t);
    await s.close();
    if (runs.length !== n) throw new Error(`list gave ${runs.length} runs, not ${n}`);
  }
  const t = performance.now();
  const status = spawnSync(process.execPath, [TTA, 'workflow', 'status', '--json'], {
    cwd: tmp,
    env: { ...process.env, TTA_RUN_STORE: url, TTA_HOME: path.join(tmp, 'home') },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const statusMs = performance.now() - t;
  if (status.status !== 0) throw new Error(`status failed: ${status.stderr}`);
  if (JSON.parse(status.stdout).runs.length !== n) throw new Error('status: wrong count');
  figures[n] = {
    runs: n,
    eventsPerRun: templateEvents,
    bytesPerRun: Math.round(stored / n),
    bytesPerEvent: Math.round(stored / (n * templateEvents)),
    listMs: round1(median(listMs)),
    statusMs: round1(statusMs),
  };
  say(`N=${n}: ${JSON.stringify(figures[n])}`);
}

// Prune 1,000 of the oldest: each under its lease, checked, removed.
const biggest = Math.max(...sizes);
const pruneCount = Math.min(1000, biggest - 1);
const cutoff = psql(
  `select to_char(max(started) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') from (select started from tta_runs order by started asc limit ${pruneCount}) s`,
);
// `updated` is the last event's time, a little after `started`: cut just past the last one's.
const before = Date.parse(cutoff) + 60_000 - 1;
const t = performance.now();
const { removed } = await workflows.pruneRuns(store, { before });
const pruneMs = performance.now() - t;
await store.close();
const prune = {
  removed: removed.length,
  ms: Math.round(pruneMs),
  runsPerSecond: round1(removed.length / (pruneMs / 1000)),
};
say(`prune: ${JSON.stringify(prune)}`);

await pg.stop();
fs.rmSync(tmp, { recursive: true, force: true });
const out = {
  bench: 'teamScale',
  date: new Date().toISOString(),
  machine: { cores: os.cpus().length, load: os.loadavg(), node: process.version },
  postgres: '15 (Debian), fsync on',
  sizes: figures,
  prune,
};
fs.mkdirSync(path.dirname(args.out), { recursive: true });
fs.writeFileSync(args.out, `${JSON.stringify(out, null, 2)}\n`);
say(`wrote ${args.out}`);
