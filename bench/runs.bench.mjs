#!/usr/bin/env node
// Many runs (issue 15, point 3): what listing the runs of a project costs at 10 and at 1,000 runs,
// and what the run server costs while it waits.
//
//   pnpm bench                          builds, then runs every benchmark; this one ~2 min,
//                                       writes bench/results/runs.json
//   node bench/runs.bench.mjs           the same after a build (pnpm --filter @tta-dev/cli... build)
//   node bench/runs.bench.mjs --quick   smoke run (100 runs, few rounds, figures meaningless),
//                                       writes no file unless --out
//   node bench/runs.bench.mjs --out FILE --rounds N --idle-ms MS
//
//   node bench/runs.bench.mjs --baseline ../old   also measures another checkout's built CLI
//
// Method (see docs/benchmarks.md, "Many runs"):
// - Two projects, of 10 and of 1,000 runs, written by the built FileRunStore: one-stage runs of
//   12 steps, most completed, some failed (the persona given back after the failure), suspended,
//   cancelled, and some left running by a drive that died (listed as interrupted).
// - `tta workflow status`: the built CLI as a process, at 10 and at 1,000 runs, interleaved with
//   `node -e 0`, `rounds` times after 2 warm-up rounds; the median wall time. Also, once, the
//   first listing after an upgrade (the 1,000 runs without their summaries: every log folded),
//   and, in this process, folding every log as `list()` did before summaries.
// - `GET /api/runs` at 1,000 runs: `tta serve` as a process; requests one after another on a
//   kept-alive connection, median and p90 over `rounds * 4`, and again each right after an
//   append to one run (a run that moved on since the last request); `GET /health` on the same
//   connection is the floor of a request.
// - Idle CPU: the same server with the all-runs live stream (`/api/events`) open, its CPU time
//   (utime + stime of /proc/<pid>/stat) over `idle-ms` once it has settled, beside an idle
//   `node` process (a timer every 15 s, as the stream's heartbeat) over the same window: the
//   floor. Then one append, which must come through the stream (the server was watching).
// The output is checked: status lists every run, /api/runs agrees with the fold of every log.
// The process exits 0 whether or not a target is met; 1 only when the harness is broken.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_OUT = path.join(ROOT, 'bench', 'results', 'runs.json');
const TTA = path.join(ROOT, 'packages/cli/dist/bin/tta.js');
const WORKFLOWS = path.join(ROOT, 'packages/workflows/dist/index.js');

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    out: { type: 'string' },
    rounds: { type: 'string' },
    'idle-ms': { type: 'string' },
    baseline: { type: 'string' },
  },
});
const QUICK = args.quick === true;
const ROUNDS = Number(args.rounds ?? (QUICK ? 3 : 15));
const IDLE_MS = Number(args['idle-ms'] ?? (QUICK ? 2000 : 10_000));
const MANY = QUICK ? 100 : 1000;
const FEW = 10;
const out = args.out ?? (QUICK ? undefined : DEFAULT_OUT);
const TOKEN = 'bench-token-0123456789abcdef';
/** Another checkout's built CLI, measured on the same projects in the same run (before/after). */
const BASELINE =
  args.baseline === undefined
    ? undefined
    : path.resolve(args.baseline, 'packages/cli/dist/bin/tta.js');
if (BASELINE !== undefined && !fs.existsSync(BASELINE)) {
  process.stderr.write(`${BASELINE} is missing: build the baseline checkout first\n`);
  process.exit(1);
}

for (const file of [TTA, WORKFLOWS])
  if (!fs.existsSync(file)) {
    process.stderr.write(`${file} is missing: run pnpm --filter @tta-dev/cli... build\n`);
    process.exit(1);
  }
const { FileRunStore, summarizeRun } = await import(pathToFileURL(WORKFLOWS).href);

const say = (text) => process.stderr.write(`${text}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))];
const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const fail = (message) => {
  say(`harness broken: ${message}`);
  process.exit(1);
};

// --- the projects -------------------------------------------------------------------------------

const STEPS = 12;
const stdout = 'vitest run\n\n ✓ src/math.test.ts (3 tests) 4ms\n\n Test Files  1 passed (1)\n';

/** The events of run number `i`: its fate depends on `i`, as in a project's history. */
function eventsOf(i) {
  const fate =
    i % 50 === 7
      ? 'interrupted'
      : i % 25 === 3
        ? 'suspended'
        : i % 20 === 11
          ? 'cancelled'
          : i % 10 === 5
            ? 'failed'
            : 'completed';
  const events = [
    {
      type: 'run_started',
      workflow: i % 3 === 0 ? 'package-release' : 'feature-dev',
      inputs: { version: `1.${i}.0`, dryRun: true },
      personas: ['backend', 'testing'],
    },
    { type: 'persona_switched', from: null, to: 'backend' },
    { type: 'stage_started', stage: 'build', persona: 'backend' },
  ];
  const steps = fate === 'failed' || fate === 'interrupted' ? STEPS / 2 : STEPS;
  for (let s = 1; s <= steps; s++) {
    const step = `step-${String(s).padStart(2, '0')}`;
    events.push({ type: 'step_started', stage: 'build', step, kind: 'run', attempt: 1 });
    events.push({
      type: 'step_succeeded',
      stage: 'build',
      step,
      output: { exitCode: 0, stdout, stderr: '' },
      durationMs: 40 + s,
      automated: true,
    });
  }
  if (fate === 'failed') {
    const error = { name: 'CommandFailedError', message: 'exit code 1' };
    events.push({ type: 'step_failed', stage: 'build', step: 'lint', error, attempt: 1 });
    events.push({ type: 'run_failed', stage: 'build', step: 'lint', error });
    events.push({ type: 'persona_switched', from: 'backend', to: null });
  } else if (fate === 'suspended')
    events.push({
      type: 'step_suspended',
      stage: 'build',
      step: 'notes',
      instructions: 'Write the release notes',
      expected: 'Markdown',
    });
  else if (fate === 'cancelled') events.push({ type: 'run_cancelled', reason: 'superseded' });
  else if (fate === 'completed') {
    events.push({ type: 'stage_completed', stage: 'build', durationMs: 600 });
    events.push({ type: 'run_completed', durationMs: 700, metrics: { automationRatio: 1 } });
  }
  return events;
}

const runIdOf = (i) => `run-${String(i).padStart(5, '0')}`;

/** A project folder with `count` runs written by the store, 25 runs at a time. */
async function makeProject(count) {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), `tta-runs-bench-${count}-`));
  fs.writeFileSync(path.join(cwd, 'package.json'), '{"name":"bench-project","private":true}\n');
  const store = new FileRunStore({ cwd });
  for (let from = 0; from < count; from += 25) {
    const batch = [];
    for (let i = from; i < Math.min(count, from + 25); i++)
      batch.push(
        (async () => {
          for (const event of eventsOf(i)) await store.append(runIdOf(i), event);
        })(),
      );
    await Promise.all(batch);
  }
  return { cwd, store };
}

// --- the measurements ---------------------------------------------------------------------------

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tta-runs-bench-home-'));
const env = { ...process.env, TTA_HOME: home, NO_COLOR: '1', TTA_SERVE_TOKEN: TOKEN };
delete env.OTEL_EXPORTER_OTLP_ENDPOINT;

function timed(argv, cwd) {
  const started = performance.now();
  const result = spawnSync(process.execPath, argv, { cwd, env, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status !== 0) fail(`${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { ms, stdout: result.stdout };
}

/** The server's CPU time so far, in milliseconds (Linux). */
function cpuMsOf(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

function request(agent, url) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    http
      .get(url, { agent, headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            ms: performance.now() - started,
            status: res.statusCode,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      })
      .on('error', reject);
  });
}

async function startServer(tta, cwd) {
  const child = spawn(process.execPath, [tta, 'serve', '--port', '0', '--json'], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => {
    stderr += c;
  });
  const line = await new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (c) => {
      seen += c;
      if (seen.includes('\n')) resolve(seen.slice(0, seen.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`tta serve exited ${code}: ${stderr}`)));
  });
  return { child, url: JSON.parse(line).url, stderr: () => stderr };
}

/** Opens the all-runs stream; resolves once it says `ready`, with a way to wait for an event. */
function openStream(url) {
  return new Promise((resolve, reject) => {
    const waiting = [];
    let text = '';
    const req = http.get(`${url}/api/events?token=${TOKEN}`, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
        if (/event: ready/.test(text)) resolve(stream);
        for (const w of [...waiting])
          if (text.includes(w.needle)) {
            waiting.splice(waiting.indexOf(w), 1);
            w.resolve();
          }
      });
    });
    req.on('error', reject);
    const stream = {
      until: (needle) =>
        new Promise((ok) => (text.includes(needle) ? ok() : waiting.push({ needle, resolve: ok }))),
      close: () => req.destroy(),
    };
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

say(
  `Many runs benchmark${QUICK ? ' (quick)' : ''}: Node ${process.version}, ${FEW} and ${MANY} runs, ${ROUNDS} rounds, load ${os.loadavg()[0].toFixed(2)}`,
);

/** `tta workflow status` of `tta` at FEW and MANY runs, interleaved with `node -e 0`. */
function measureStatus(tta, few, many) {
  const status = [tta, 'workflow', 'status'];
  const times = { node: [], few: [], many: [] };
  for (let r = 0; r < ROUNDS + 2; r++) {
    const n = timed(['-e', '0'], few.cwd).ms;
    const a = timed(status, few.cwd).ms;
    const b = timed(status, many.cwd).ms;
    if (r < 2) continue; // warm-up: the file cache, the compile cache
    times.node.push(n);
    times.few.push(a);
    times.many.push(b);
  }
  const m = { node: median(times.node), few: median(times.few), many: median(times.many) };
  return {
    medianMs: {
      'node -e 0': round(m.node),
      [`${FEW} runs`]: round(m.few),
      [`${MANY} runs`]: round(m.many),
    },
    ratioManyToFew: round(m.many / m.few, 3),
    ratioToNode: { few: round(m.few / m.node, 2), many: round(m.many / m.node, 2) },
  };
}

/** `GET /api/runs` of a `tta serve` at MANY runs, then its CPU while idle with a live stream. */
async function measureServer(tta, many, checkListing) {
  const server = await startServer(tta, many.cwd);
  const anchor = spawn(process.execPath, ['-e', 'setInterval(() => {}, 15000)'], {
    stdio: 'ignore',
  });
  try {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const first = await request(agent, `${server.url}/api/runs`);
    if (first.status !== 200) fail(`/api/runs answered ${first.status}: ${first.body}`);
    checkListing(JSON.parse(first.body).runs, `/api/runs of ${tta}`);
    for (let r = 0; r < 5; r++) await request(agent, `${server.url}/api/runs`);
    const steady = [];
    for (let r = 0; r < ROUNDS * 4; r++)
      steady.push((await request(agent, `${server.url}/api/runs`)).ms);
    // The floor: a request that reads nothing, on the same connection and server.
    const health = [];
    for (let r = 0; r < ROUNDS * 4; r++)
      health.push((await request(agent, `${server.url}/health`)).ms);
    const afterAppend = [];
    const writer = new FileRunStore({ cwd: many.cwd });
    for (let r = 0; r < ROUNDS * 2; r++) {
      const runId = runIdOf((r * 37) % MANY);
      await writer.append(runId, { type: 'learning', text: `note ${r}`, by: 'bench' });
      afterAppend.push((await request(agent, `${server.url}/api/runs`)).ms);
    }
    agent.destroy();
    const api = {
      runs: MANY,
      requests: steady.length,
      medianMs: round(median(steady), 2),
      p90Ms: round(quantile(steady, 0.9), 2),
      afterAnAppend: { requests: afterAppend.length, medianMs: round(median(afterAppend), 2) },
      healthMedianMs: round(median(health), 2),
    };
    say(
      `  GET /api/runs at ${MANY} runs: median ${api.medianMs} ms, p90 ${api.p90Ms} ms; right after an append ${api.afterAnAppend.medianMs} ms; GET /health ${api.healthMedianMs} ms`,
    );

    const pid = server.child.pid;
    const cpuBeforeStream = cpuMsOf(pid);
    const opened = performance.now();
    const stream = await openStream(server.url);
    const readyMs = performance.now() - opened;
    // Settle: the feed finds where each run's log ends. Measured, not counted as idle.
    await sleep(Math.min(5000, IDLE_MS));
    const cpuSettled = cpuMsOf(pid);
    const anchorBefore = cpuMsOf(anchor.pid);
    const idleStarted = performance.now();
    await sleep(IDLE_MS);
    const idleCpuMs = cpuMsOf(pid) - cpuSettled;
    const anchorCpuMs = cpuMsOf(anchor.pid) - anchorBefore;
    const idleWallMs = performance.now() - idleStarted;
    // Still watching: an append comes through at once.
    const seen = stream.until('"text":"after the idle window"');
    await writer.append(runIdOf(1), { type: 'learning', text: 'after the idle window', by: 'x' });
    const appended = performance.now();
    await seen;
    const deliveredMs = performance.now() - appended;
    stream.close();
    const per10s = (ms) => round((ms * 10_000) / idleWallMs);
    const idle = {
      stream: '/api/events (every run)',
      runs: MANY,
      readyMs: round(readyMs),
      settleCpuMs: round(cpuSettled - cpuBeforeStream),
      windowMs: round(idleWallMs),
      cpuMs: round(idleCpuMs),
      cpuMsPer10s: per10s(idleCpuMs),
      cpuShareOfOneCore: round(idleCpuMs / idleWallMs, 4),
      idleNodeCpuMsPer10s: per10s(anchorCpuMs),
      appendDeliveredAfterMs: round(deliveredMs, 2),
    };
    say(
      `  idle with the live stream open: ${idle.cpuMsPer10s} ms CPU per 10 s (an idle node: ${idle.idleNodeCpuMsPer10s}); stream ready in ${idle.readyMs} ms, settling took ${idle.settleCpuMs} ms CPU; an append came through in ${idle.appendDeliveredAfterMs} ms`,
    );
    return { api, idle };
  } finally {
    anchor.kill('SIGKILL');
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
  }
}

const projects = [];
try {
  let t = performance.now();
  const few = await makeProject(FEW);
  const many = await makeProject(MANY);
  projects.push(few.cwd, many.cwd);
  say(`wrote ${FEW + MANY} runs in ${round((performance.now() - t) / 1000)} s`);

  // What list() must say: the fold of every log (`interrupted` for a running run: no lease).
  // Folding every log is also what list() did before summaries: timed, in this process.
  const expected = [];
  t = performance.now();
  const reader = new FileRunStore({ cwd: many.cwd });
  for (let i = 0; i < MANY; i++) {
    const summary = summarizeRun(await reader.read(runIdOf(i)));
    expected.push(summary.status === 'running' ? { ...summary, status: 'interrupted' } : summary);
  }
  const foldAllMs = performance.now() - t;
  const byId = new Map(expected.map((s) => [s.runId, s]));
  const checkListing = (runs, what) => {
    if (runs.length !== MANY) fail(`${what} listed ${runs.length} runs, not ${MANY}`);
    for (const run of runs) {
      const want = byId.get(run.runId);
      // A note appended by this bench moves a run on: compare what the notes leave alone.
      const { updated: _u, events: _e, ...got } = run;
      const { updated: _wu, events: _we, ...wanted } = want ?? {};
      if (JSON.stringify(got) !== JSON.stringify(wanted))
        fail(`${what} says ${JSON.stringify(run)}, the fold ${JSON.stringify(want)}`);
    }
  };
  checkListing(
    JSON.parse(timed([TTA, 'workflow', 'status', '--json'], many.cwd).stdout).runs,
    'status --json',
  );

  const ours = { status: measureStatus(TTA, few, many) };
  // The first listing after an upgrade: no summaries yet, every log is folded (and summarised).
  for (let i = 0; i < MANY; i++)
    fs.rmSync(path.join(many.store.runDir(runIdOf(i)), 'summary.json'), { force: true });
  ours.status.firstAfterUpgradeMs = round(timed([TTA, 'workflow', 'status'], many.cwd).ms);
  ours.status.secondAfterUpgradeMs = round(timed([TTA, 'workflow', 'status'], many.cwd).ms);
  ours.status.foldEveryLogInProcessMs = round(foldAllMs);
  const s = ours.status.medianMs;
  say(
    `this build: status ${FEW} runs ${s[`${FEW} runs`]} ms, ${MANY} runs ${s[`${MANY} runs`]} ms (${ours.status.ratioManyToFew}x), node -e 0 ${s['node -e 0']} ms; first after upgrade ${ours.status.firstAfterUpgradeMs} ms`,
  );
  Object.assign(ours, await measureServer(TTA, many, checkListing));

  let baseline;
  if (BASELINE !== undefined) {
    const commit = spawnSync('git', ['-C', args.baseline, 'rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
    }).stdout.trim();
    baseline = { commit, status: measureStatus(BASELINE, few, many) };
    const b = baseline.status.medianMs;
    say(
      `baseline: status ${FEW} runs ${b[`${FEW} runs`]} ms, ${MANY} runs ${b[`${MANY} runs`]} ms (${baseline.status.ratioManyToFew}x)`,
    );
    Object.assign(baseline, await measureServer(BASELINE, many, checkListing));
  }

  const results = {
    benchmark: 'Many runs: tta workflow status, GET /api/runs, idle run server',
    date: new Date().toISOString(),
    node: process.version,
    cpu: { model: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length },
    loadAverage: os.loadavg().map((x) => round(x, 2)),
    runs: { few: FEW, many: MANY, stepsPerRun: STEPS },
    rounds: ROUNDS,
    statistic:
      'status: median wall time of a fresh process, rounds interleaved; /api/runs: median of requests one after another; idle: CPU time over the window',
    ...ours,
    ...(baseline === undefined ? {} : { baseline }),
    targets: {
      status: {
        description: `status of ${MANY} runs within 1.5x of ${FEW} runs`,
        value: ours.status.ratioManyToFew,
        met: ours.status.ratioManyToFew <= 1.5,
      },
      apiRuns: {
        description: `GET /api/runs at ${MANY} runs under 50 ms (median)`,
        value: ours.api.medianMs,
        met: ours.api.medianMs < 50,
      },
      idle: {
        description: 'idle CPU near zero with a live stream open (under 1% of one core)',
        value: ours.idle.cpuShareOfOneCore,
        met: ours.idle.cpuShareOfOneCore < 0.01,
      },
    },
  };
  for (const [name, target] of Object.entries(results.targets))
    say(
      `target ${name} (${target.description}): ${target.met ? 'met' : 'MISSED'} (${target.value})`,
    );
  if (out !== undefined) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(`${out}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
    fs.renameSync(`${out}.tmp`, out);
    say(`wrote ${path.relative(process.cwd(), out)}`);
  }
} finally {
  for (const dir of [...projects, home]) fs.rmSync(dir, { recursive: true, force: true });
}
