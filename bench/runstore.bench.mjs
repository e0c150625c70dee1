#!/usr/bin/env node
// Cost per step of the file run store of @tta-dev/workflows (FileRunStore): bytes written and
// time, for runs of 10, 100 and 1,000 steps, and of twice as many to check that doubling the
// steps does not more than double the bytes (the log is append-only: nothing is rewritten).
//
//   pnpm bench                                  builds, then runs every benchmark; this one ~20 s,
//                                               writes bench/results/runstore.json
//   node bench/runstore.bench.mjs               the same after a build (pnpm --filter @tta-dev/workflows... build)
//   node bench/runstore.bench.mjs --quick       smoke run (~2 s, figures meaningless), writes no file unless --out
//   node bench/runstore.bench.mjs --out FILE    write the JSON results to FILE
//   node bench/runstore.bench.mjs --reps N      repetitions of every size (default 5)
//
// Method (see docs/benchmarks.md): a run is what the engine appends for a one-stage workflow:
// run_started, stage_started, then per step step_started + step_succeeded followed by
// store.sync() (the engine's step boundary: one fsync per step), then stage_completed and
// run_completed (the store fsyncs run_completed on its own). Every run gets a new store on a
// new temporary folder on the same file system as os.tmpdir(). Sizes run interleaved, `reps`
// times, after one discarded warm-up run; a figure is the median over repetitions. A step's time
// is measured around its two appends and the sync. "written" is what the process passed to
// write() during the run (/proc/self/io wchar), libuv's 8-byte thread-pool wake-ups included. A
// reference case runs 1,000 steps without the per-step sync. The log is read back and checked
// after every run.
//
// The process exits 0 whether or not the target is met: a benchmark reports, it does not gate.
// It exits 1 only when the harness itself is broken (a run's log does not read back whole).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_OUT = path.join(ROOT, 'bench', 'results', 'runstore.json');
const BUILT = path.join(ROOT, 'packages/workflows/dist/runs/FileRunStore.js');

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    out: { type: 'string' },
    reps: { type: 'string' },
  },
});
const QUICK = args.quick === true;
const REPS = Number(args.reps ?? (QUICK ? 1 : 5));
const SIZES = [10, 100, 1000];
const ALL_SIZES = [...new Set(SIZES.flatMap((n) => [n, 2 * n]))].sort((a, b) => a - b);
const out = args.out ?? (QUICK ? undefined : DEFAULT_OUT);

if (!fs.existsSync(BUILT)) {
  process.stderr.write(`${BUILT} is missing: run pnpm --filter @tta-dev/workflows... build\n`);
  process.exit(1);
}
const { FileRunStore } = await import(pathToFileURL(BUILT).href);

const RUN_ID = 'bench-run';
// Step ids of one width: a real workflow's ids are names, whose length does not grow with the
// number of steps; `step-${i}` would add a byte per event at every power of ten.
const stepId = (i) => `step-${String(i).padStart(4, '0')}`;

/** Bytes this process has passed to write() so far (Linux), or undefined elsewhere. */
function writtenSoFar() {
  try {
    return Number(/^wchar: (\d+)$/m.exec(fs.readFileSync('/proc/self/io', 'utf8'))?.[1]);
  } catch {
    return undefined;
  }
}
const stdout = 'vitest run\n\n ✓ src/math.test.ts (3 tests) 4ms\n\n Test Files  1 passed (1)\n';

/** One run of `steps` steps on a fresh folder; its bytes, times, and what was read back. */
async function oneRun(steps, { sync = true } = {}) {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'tta-runstore-bench-'));
  try {
    const store = new FileRunStore({ cwd });
    const stepMs = [];
    const writtenBefore = writtenSoFar();
    const started = performance.now();
    await store.append(RUN_ID, {
      type: 'run_started',
      workflow: 'package-release',
      inputs: { version: '1.2.0', dryRun: true, registry: 'https://registry.npmjs.org' },
      personas: ['backend', 'testing', 'devops'],
    });
    await store.append(RUN_ID, { type: 'stage_started', stage: 'testing', persona: 'testing' });
    for (let i = 1; i <= steps; i++) {
      const stepStarted = performance.now();
      await store.append(RUN_ID, {
        type: 'step_started',
        stage: 'testing',
        step: stepId(i),
        kind: 'run',
        attempt: 1,
      });
      await store.append(RUN_ID, {
        type: 'step_succeeded',
        stage: 'testing',
        step: stepId(i),
        output: { exitCode: 0, stdout, stderr: '' },
        durationMs: 4,
        automated: true,
      });
      if (sync) await store.sync(RUN_ID);
      stepMs.push(performance.now() - stepStarted);
    }
    await store.append(RUN_ID, { type: 'stage_completed', stage: 'testing', durationMs: 1 });
    await store.append(RUN_ID, {
      type: 'run_completed',
      durationMs: 1,
      metrics: { automationRatio: 1, gatesPassed: 0, gatesFailed: 0 },
    });
    const totalMs = performance.now() - started;
    const written = writtenBefore === undefined ? undefined : writtenSoFar() - writtenBefore;
    const bytes = fs.statSync(store.eventsFile(RUN_ID)).size;
    const events = await new FileRunStore({ cwd }).read(RUN_ID);
    const whole =
      events.length === 2 * steps + 4 &&
      events.every((e, i) => e.seq === i + 1) &&
      events.at(-1)?.type === 'run_completed';
    if (!whole) throw new Error(`the log of a ${steps}-step run did not read back whole`);
    return { bytes, written, totalMs, stepMs };
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

process.stderr.write(
  `FileRunStore benchmark${QUICK ? ' (quick)' : ''}: Node ${process.version}, ${REPS} repetitions of ${ALL_SIZES.join(', ')} steps\n`,
);
const samples = Object.fromEntries(ALL_SIZES.map((n) => [n, []]));
const NO_SYNC_STEPS = 1000;
const noSync = [];
try {
  await oneRun(100); // warm-up: module loading, JIT, the file system's caches
  for (let rep = 0; rep < REPS; rep++) {
    for (const steps of rep % 2 ? [...ALL_SIZES].reverse() : ALL_SIZES)
      samples[steps].push(await oneRun(steps));
    noSync.push(await oneRun(NO_SYNC_STEPS, { sync: false }));
  }
} catch (error) {
  process.stderr.write(`harness broken: ${error?.stack ?? error}\n`);
  process.exit(1);
}

const cases = ALL_SIZES.map((steps) => {
  const runs = samples[steps];
  const bytes = runs[0].bytes;
  if (runs.some((r) => r.bytes !== bytes)) throw new Error(`runs of ${steps} steps differ in size`);
  const tenth = Math.max(1, Math.floor(steps / 10));
  return {
    steps,
    events: 2 * steps + 4,
    bytes,
    bytesPerStep: round(bytes / steps, 1),
    writtenBytes: median(runs.map((r) => r.written ?? Number.NaN)),
    totalMs: round(median(runs.map((r) => r.totalMs)), 2),
    perStepMs: round(median(runs.map((r) => r.totalMs / steps))),
    stepMedianMs: round(median(runs.flatMap((r) => r.stepMs))),
    firstTenthStepMedianMs: round(median(runs.flatMap((r) => r.stepMs.slice(0, tenth)))),
    lastTenthStepMedianMs: round(median(runs.flatMap((r) => r.stepMs.slice(-tenth)))),
  };
});
// Reference: the same run without the per-step sync (the boundaries are still fsynced), to tell
// the store's own cost from the disk's.
const withoutStepSync = {
  steps: NO_SYNC_STEPS,
  perStepMs: round(median(noSync.map((r) => r.totalMs / NO_SYNC_STEPS))),
  stepMedianMs: round(median(noSync.flatMap((r) => r.stepMs))),
};
const bySteps = Object.fromEntries(cases.map((c) => [c.steps, c]));
/** Characters taken by the seq numbers of a run of `events` events. */
const seqDigits = (events) => {
  let total = 0;
  for (let seq = 1; seq <= events; seq++) total += String(seq).length;
  return total;
};
const doubling = SIZES.map((steps) => {
  const single = bySteps[steps];
  const double = bySteps[2 * steps];
  const excess = double.bytes - 2 * single.bytes;
  return {
    steps,
    doubled: 2 * steps,
    bytesRatio: round(double.bytes / single.bytes, 4),
    met: double.bytes <= 2 * single.bytes,
    // Beyond twice the bytes: the seq numbers of the longer run have more digits on average, and
    // the run's fixed events (run_started, stage and run boundaries) do not double.
    excessBytes: Math.max(0, excess),
    seqDigitsExtra: seqDigits(double.events) - 2 * seqDigits(single.events),
  };
});

const results = {
  benchmark: 'FileRunStore: bytes and time per step (step_started + step_succeeded + sync)',
  date: new Date().toISOString(),
  node: process.version,
  v8: process.versions.v8,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  cpu: { model: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length },
  tmpdir: os.tmpdir(),
  settings: { reps: REPS, sizes: ALL_SIZES, quick: QUICK },
  statistic:
    'median over repetitions (sizes interleaved, one warm-up run discarded); step times pooled over repetitions',
  cases,
  withoutStepSync,
  doubling,
  target: {
    description: 'doubling the steps does not more than double the bytes',
    met: doubling.every((d) => d.met),
    note: 'a run has fixed events that do not double, and the seq numbers of a longer run take more digits (log10 of the run length): see excessBytes and seqDigitsExtra',
  },
};

process.stderr.write(
  `${'steps'.padStart(6)} ${'bytes'.padStart(9)} ${'written'.padStart(9)} ${'B/step'.padStart(7)} ${'total ms'.padStart(9)} ${'ms/step'.padStart(8)} ${'first 10%'.padStart(10)} ${'last 10%'.padStart(9)}\n`,
);
for (const c of cases)
  process.stderr.write(
    `${String(c.steps).padStart(6)} ${String(c.bytes).padStart(9)} ${String(c.writtenBytes).padStart(9)} ${String(c.bytesPerStep).padStart(7)} ${String(c.totalMs).padStart(9)} ${String(c.perStepMs).padStart(8)} ${String(c.firstTenthStepMedianMs).padStart(10)} ${String(c.lastTenthStepMedianMs).padStart(9)}\n`,
  );
process.stderr.write(
  `without the per-step sync, ${NO_SYNC_STEPS} steps: ${withoutStepSync.perStepMs} ms/step (step median ${withoutStepSync.stepMedianMs} ms)\n`,
);
for (const d of doubling)
  process.stderr.write(
    `bytes(${d.doubled}) / bytes(${d.steps}) = ${d.bytesRatio}${d.met ? '' : ` (${d.excessBytes} bytes over; the seq numbers' extra digits alone are ${d.seqDigitsExtra})`}\n`,
  );
process.stderr.write(
  `target (doubling the steps at most doubles the bytes): ${results.target.met ? 'met' : 'MISSED'}\n`,
);
if (out !== undefined) {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(`${out}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
  fs.renameSync(`${out}.tmp`, out);
}
