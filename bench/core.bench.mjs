#!/usr/bin/env node
// Benchmark of @tta-dev/core's primitives against a bare `await fn()` and against cockatiel 3.x,
// on the same trivial `async () => 1`, in one process; then the same primitives again with an
// OpenTelemetry SDK recording every span into memory.
//
//   pnpm bench                                   full run (~45 s), writes bench/results/core.json
//   node bench/core.bench.mjs --quick            smoke run (~2 s), writes no file unless --out
//   node bench/core.bench.mjs --out FILE         write the JSON results to FILE
//   node bench/core.bench.mjs --rounds N --time MS --pairs N   override the run settings
//
// Method (see docs/benchmarks.md): every tinybench sample awaits the operation `batch` times in
// a row, so timer resolution and tinybench's own per-sample overhead are spread over the batch;
// ns per call = the sample's latency / batch. Per task we take the median (p50) of its samples;
// the set of tasks runs `rounds` short rounds (task order reversed every other round) and the
// figure reported is the median over rounds. Each of our primitives runs right next to its
// cockatiel equivalent, and ours/cockatiel is the median of the per-round ratios of such pairs:
// the machine this was written on has slow and fast periods of a few seconds (up to 2× apart),
// which pairing in short rounds mostly cancels. Medians, not means, because the machine is
// shared: a sample disturbed by another process or by a GC pause is an outlier that a median
// ignores (means, p75 and p99 are in the JSON for whoever wants them).
//
// Phase 1 runs every round with no OpenTelemetry global registered at all. Phase 2 then registers
// the SDK for good and measures our primitives again, plus a hand-instrumented call as reference.
// In phase 2 a sample holds about `batch` spans (batch / spans per call calls) and ends with one
// turn of the event loop inside the timed region, because InMemorySpanExporter completes every
// export with a setTimeout(0): a loop that never yields would pile up pending timers and retained
// spans without bound.
//
// Phase 3, still with the SDK, sets each of our cases beside the hand-instrumented call (and
// the same with our five attributes): short batches of the three alternate (`pairs` rounds, the
// order rotating), so that they see the same state of a shared machine, and the figure "beyond
// hand-made" is the median of the per-round differences per span. The tinybench phases measure each task for a whole slice of a
// round, long enough for the machine to switch between its slow and fast periods in between.
//
// The process exits 0 whether or not the targets are met: a benchmark reports, it does not gate.
// It exits 1 only when the harness itself is broken (an operation throws or returns a wrong value,
// or no span is recorded with the SDK registered).

import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
} from '@opentelemetry/sdk-trace-base';
import {
  circuitBreaker,
  createContext,
  fallback,
  retry,
  sequence,
  step,
  timeout,
} from '@tta-dev/core';
import {
  ConsecutiveBreaker,
  circuitBreaker as cCircuitBreaker,
  fallback as cFallback,
  noop as cNoop,
  retry as cRetry,
  timeout as cTimeout,
  ExponentialBackoff,
  handleAll,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';
import { Bench } from 'tinybench';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_OUT = path.join(ROOT, 'bench', 'results', 'core.json');

// ---------------------------------------------------------------------------------------------
// Settings

const args = parseArgs(process.argv.slice(2));
const QUICK = args.quick === true;
const SETTINGS = {
  quick: QUICK,
  /** Times the whole set of tasks runs; figures are medians over rounds. */
  rounds: numberArg(args.rounds, QUICK ? 1 : 15),
  /** Calls of the operation per tinybench sample. */
  batch: numberArg(args.batch, QUICK ? 10 : 100),
  /** tinybench `time`: ms of sampling per task and round. */
  time: numberArg(args.time, QUICK ? 20 : 100),
  /** tinybench `warmupTime`: ms of warm-up per task and round. */
  warmupTime: numberArg(args.warmupTime, QUICK ? 5 : 25),
  /** tinybench `iterations`: fewest samples per task, whatever the time. */
  iterations: numberArg(args.iterations, QUICK ? 4 : 16),
  /** tinybench `warmupIterations`. */
  warmupIterations: QUICK ? 2 : 8,
  /** Phase 3: alternating batches of the hand-made call and each case, per case. */
  pairs: numberArg(args.pairs, QUICK ? 20 : 600),
  statistic:
    'ns/call: median (p50) of the per-sample ns/call (sample latency / batch) of each task, then the median over rounds; ' +
    'ours/cockatiel: median over rounds of the ratio of the two adjacent tasks of the round',
};
const OUT = typeof args.out === 'string' ? path.resolve(args.out) : QUICK ? undefined : DEFAULT_OUT;

// Targets from the issue. `ratio` is ours / cockatiel, lower is better.
const TARGETS = {
  retry: { maxRatio: 1, text: 'no slower than cockatiel (ours/cockatiel ≤ 1)' },
  breaker: { maxRatio: 1, text: 'no slower than cockatiel (ours/cockatiel ≤ 1)' },
  timeout: {
    maxRatio: 1 / 5,
    text: '≥ 5× faster than cockatiel cooperative (ours/cockatiel ≤ 0.20)',
  },
  stack: { maxRatio: 1 / 4, text: '≥ 4× faster than cockatiel (ours/cockatiel ≤ 0.25)' },
};
const MAX_NS_PER_SPAN = 3000;
/** Issue 15: a recorded span within 0.3 µs of the hand-made floor (paired, same moments). */
const MAX_NS_BEYOND_HAND = 300;

// ---------------------------------------------------------------------------------------------
// The operations. Each is a thunk returning the promise of one call; all call the same `fn`.

const fn = async () => 1;
const fallbackFn = async () => 0;
const ctx = createContext();
const otelApi = await loadOtelApiUsedByCore();

const ourStep = step(fn);
const ourSequence = sequence(...Array.from({ length: 10 }, () => step(fn)));
const ourRetry = retry(step(fn));
const ourBreaker = circuitBreaker(step(fn), { failureThreshold: 5, halfOpenAfterMs: 10_000 });
const ourTimeout = timeout(step(fn), 1000);
const ourStack = fallback(retry(circuitBreaker(timeout(step(fn), 1000))), [step(fallbackFn)]);

const cockatielRetry = cRetry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });
const cockatielBreaker = cCircuitBreaker(handleAll, {
  halfOpenAfter: 10_000,
  breaker: new ConsecutiveBreaker(5),
});
const cockatielTimeout = cTimeout(1000, TimeoutStrategy.Cooperative);
const cockatielStack = wrap(
  cFallback(handleAll, () => 0),
  cRetry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() }),
  cCircuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
  cTimeout(1000, TimeoutStrategy.Cooperative),
);

const tenBareAwaits = async () => {
  for (let i = 0; i < 10; i++) await fn();
  return 1;
};

const handTracer = otelApi.trace.getTracer('bench');
/**
 * The reference for the SDK phase: one call instrumented by hand the way any library must do it
 * for spans to nest (start a span, make it active around the call, end it). What it costs per
 * span with the SDK is the floor that no instrumentation can go under with this SDK set-up.
 */
async function handInstrumented() {
  const span = handTracer.startSpan('bench.call', { attributes: { 'bench.case': 'hand' } });
  try {
    return await otelApi.context.with(otelApi.trace.setSpan(otelApi.context.active(), span), fn);
  } finally {
    span.end();
  }
}

/**
 * The same, with the five attributes our primitive spans carry in this bench (the context has no
 * persona), written after the start as ours are: what recording those attributes costs anyone.
 */
async function handInstrumentedSameAttributes() {
  const span = handTracer.startSpan('bench.call');
  span.setAttribute('tta.primitive.name', 'fn');
  span.setAttribute('tta.primitive.kind', 'step');
  span.setAttribute('tta.workflow.id', ctx.workflowId);
  span.setAttribute('tta.run.id', ctx.runId);
  span.setAttribute('tta.correlation.id', ctx.correlationId);
  try {
    return await otelApi.context.with(otelApi.trace.setSpan(otelApi.context.active(), span), fn);
  } finally {
    span.end();
  }
}

/** Operations measured; `expect` is what one call must resolve to. */
const OPS = {
  bare: { label: 'bare await fn()', run: () => fn(), expect: 1 },
  bare10: { label: '10 bare awaits', run: tenBareAwaits, expect: 1 },
  'ours.step': { label: 'ours step', run: () => ourStep.run(1, ctx), expect: 1 },
  'cockatiel.noop': { label: 'cockatiel noop', run: () => cNoop.execute(fn), expect: 1 },
  'ours.sequence': { label: 'ours sequence×10', run: () => ourSequence.run(1, ctx), expect: 1 },
  'ours.retry': { label: 'ours retry', run: () => ourRetry.run(1, ctx), expect: 1 },
  'cockatiel.retry': { label: 'cockatiel retry', run: () => cockatielRetry.execute(fn), expect: 1 },
  'ours.breaker': { label: 'ours breaker', run: () => ourBreaker.run(1, ctx), expect: 1 },
  'cockatiel.breaker': {
    label: 'cockatiel breaker',
    run: () => cockatielBreaker.execute(fn),
    expect: 1,
  },
  'ours.timeout': { label: 'ours timeout', run: () => ourTimeout.run(1, ctx), expect: 1 },
  'cockatiel.timeout': {
    label: 'cockatiel timeout',
    run: () => cockatielTimeout.execute(fn),
    expect: 1,
  },
  'ours.stack': { label: 'ours stack', run: () => ourStack.run(1, ctx), expect: 1 },
  'cockatiel.stack': { label: 'cockatiel stack', run: () => cockatielStack.execute(fn), expect: 1 },
  'otel.hand': { label: 'hand-instrumented call', run: handInstrumented, expect: 1 },
  'otel.hand5': {
    label: 'hand-instrumented, our 5 attributes',
    run: handInstrumentedSameAttributes,
    expect: 1,
  },
};

/** The comparisons reported. `anchor` is the bare baseline for the ratio vs bare. */
const CASES = [
  {
    id: 'step',
    label: 'step (one primitive)',
    ours: 'ours.step',
    cockatiel: 'cockatiel.noop',
    anchor: 'bare',
  },
  {
    id: 'sequence',
    label: 'sequence of 10 steps',
    ours: 'ours.sequence',
    cockatiel: null,
    anchor: 'bare10',
  },
  {
    id: 'retry',
    label: 'retry (no failures)',
    ours: 'ours.retry',
    cockatiel: 'cockatiel.retry',
    anchor: 'bare',
  },
  {
    id: 'breaker',
    label: 'circuit breaker',
    ours: 'ours.breaker',
    cockatiel: 'cockatiel.breaker',
    anchor: 'bare',
  },
  {
    id: 'timeout',
    label: 'timeout 1000 ms',
    ours: 'ours.timeout',
    cockatiel: 'cockatiel.timeout',
    anchor: 'bare',
  },
  {
    id: 'stack',
    label: 'fallback+retry+breaker+timeout',
    ours: 'ours.stack',
    cockatiel: 'cockatiel.stack',
    anchor: 'bare',
  },
];
const PLAIN_TASKS = Object.keys(OPS);
/** Measured again with the SDK registered (bare shows what the context manager alone costs). */
const SDK_TASKS = [
  'bare',
  'otel.hand',
  'otel.hand5',
  'ours.step',
  'ours.sequence',
  'ours.retry',
  'ours.breaker',
  'ours.timeout',
  'ours.stack',
];

// ---------------------------------------------------------------------------------------------
// OpenTelemetry SDK

const exporter = new InMemorySpanExporter();
// The batch processor is what the SDK recommends outside tests (SimpleSpanProcessor exports every
// span on its own, synchronously, and is meant for debugging).
const provider = new BasicTracerProvider({
  spanProcessors: [
    new BatchSpanProcessor(exporter, {
      maxQueueSize: 65_536,
      maxExportBatchSize: 512,
      scheduledDelayMillis: 500,
    }),
  ],
});

/**
 * Registered once, after every plain round: the plain phase must run in a process where no
 * OpenTelemetry global was ever registered (unregistering leaves traces, e.g. the API's global
 * object, that make core's "is an SDK there?" checks take another path).
 */
function registerSdk() {
  otelApi.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  otelApi.trace.setGlobalTracerProvider(provider);
}

// ---------------------------------------------------------------------------------------------
// Run

const started = performance.now();
log(
  `@tta-dev/core benchmark${QUICK ? ' (quick)' : ''}: ${SETTINGS.rounds} round(s), ` +
    `${SETTINGS.time} ms per task, ${SETTINGS.batch} calls per sample, Node ${process.version}, ` +
    `${os.cpus()[0]?.model ?? 'unknown CPU'} ×${os.cpus().length}`,
);

await checkOperations();

/** The batched task functions, made once and reused by every round (their JIT state included). */
const batchFns = new Map();
/** op id → per-round medians (ns/call) and the figures of the last round, per phase. */
const plain = new Map();
const withSdk = new Map();
for (let round = 0; round < SETTINGS.rounds; round++) {
  log(`without SDK: round ${round + 1}/${SETTINGS.rounds}`);
  await runPhase(PLAIN_TASKS, plain, round % 2 === 1, () => SETTINGS.batch);
}

registerSdk();
const spansPerCall = await countSpans();
// About SETTINGS.batch spans per sample whatever the case: the in-memory exporter keeps every
// span referenced by a pending setTimeout until the sample ends, so equal spans per sample keep
// the retention (and hence the GC work per span) comparable between cases.
const sdkBatch = (id) => Math.max(1, Math.round(SETTINGS.batch / Math.max(1, spansPerCall[id])));
for (let round = 0; round < SETTINGS.rounds; round++) {
  log(`with SDK (in-memory spans): round ${round + 1}/${SETTINGS.rounds}`);
  await runPhase(SDK_TASKS, withSdk, round % 2 === 1, sdkBatch, {
    afterEach: () => exporter.reset(),
    yieldEachSample: true,
  });
}

log(`with SDK, alternating with the hand-made calls: ${SETTINGS.pairs} rounds per case`);
const paired = await runPairs();

const results = buildResults();
printTable(results);
if (OUT !== undefined) {
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  const tmp = `${OUT}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(results, null, 2)}\n`);
  fs.renameSync(tmp, OUT);
  log(`results written to ${path.relative(process.cwd(), OUT) || OUT}`);
}
log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(0);

// ---------------------------------------------------------------------------------------------

async function runPhase(
  taskIds,
  into,
  reverse,
  batchOf,
  { afterEach, yieldEachSample = false } = {},
) {
  const bench = new Bench({
    name: 'core',
    time: SETTINGS.time,
    warmupTime: SETTINGS.warmupTime,
    iterations: SETTINGS.iterations,
    warmupIterations: SETTINGS.warmupIterations,
    throws: true,
  });
  const ids = reverse ? [...taskIds].reverse() : taskIds;
  for (const id of ids) {
    const key = `${id}/${batchOf(id)}/${yieldEachSample}`;
    if (!batchFns.has(key)) batchFns.set(key, batched(OPS[id].run, batchOf(id), yieldEachSample));
    bench.add(id, batchFns.get(key), { afterEach });
  }
  await bench.run();
  for (const task of bench.tasks) {
    const result = task.result;
    if (result === undefined || result.error !== undefined)
      fail(`task ${task.name} failed: ${result?.error?.stack ?? 'no result'}`);
    const batch = batchOf(task.name);
    const perCall = (ms) => (ms * 1e6) / batch;
    const latency = result.latency;
    const entry = into.get(task.name) ?? { rounds: [], batch, last: undefined };
    entry.rounds.push(perCall(latency.p50));
    entry.last = {
      medianNs: perCall(latency.p50),
      meanNs: perCall(latency.mean),
      p75Ns: perCall(latency.p75),
      p99Ns: perCall(latency.p99),
      madNs: perCall(latency.mad),
      rmePercent: latency.rme,
      samples: latency.samples.length,
    };
    into.set(task.name, entry);
  }
}

/**
 * A tinybench task that awaits `op()` `n` times, then, when `yieldToLoop`, lets the event loop
 * turn once (inside the timed region). Made with `new Function` so that each task has its own
 * loop with its own call-site feedback: one shared closure would see every operation at the same
 * call site and turn megamorphic, taxing all cases with a harness artefact.
 */
function batched(op, n, yieldToLoop) {
  const make = new Function(
    'op',
    'n',
    'turn',
    yieldToLoop
      ? 'return async function batch() { for (let i = 0; i < n; i++) await op(); await turn(); };'
      : 'return async function batch() { for (let i = 0; i < n; i++) await op(); };',
  );
  return make(op, n, turnEventLoop);
}

/** Resolves after one turn of the event loop, so that due timers get to run. */
function turnEventLoop() {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Phase 3: per case, `pairs` alternations of one batch of the hand-made call and one batch of
 * the case (about `batch` spans each, plus one turn of the event loop, as in phase 2). Returns
 * case id → per-pair ns per span of the case and of the hand-made call.
 */
async function runPairs() {
  const references = ['otel.hand', 'otel.hand5'].map((id) => ({
    id,
    n: sdkBatch(id),
    fn: batched(OPS[id].run, sdkBatch(id), false),
  }));
  const timed = async (fnBatch, calls) => {
    const t0 = performance.now();
    await fnBatch();
    await turnEventLoop();
    const ns = ((performance.now() - t0) * 1e6) / calls;
    exporter.reset();
    return ns;
  };
  const out = new Map();
  for (const c of CASES) {
    const ours = {
      id: c.ours,
      n: sdkBatch(c.ours),
      fn: batched(OPS[c.ours].run, sdkBatch(c.ours), false),
    };
    const all = [...references, ours];
    const ns = new Map(all.map((t) => [t.id, []]));
    for (let i = 0; i < SETTINGS.pairs + 20; i++) {
      // Rotate the order, so that no task always runs right after the same one.
      for (let k = 0; k < all.length; k++) {
        const t = all[(i + k) % all.length];
        const v = await timed(t.fn, t.n);
        if (i >= 20) ns.get(t.id).push(v); // the first 20 rounds warm up
      }
    }
    out.set(c.id, {
      handNs: ns.get('otel.hand'),
      hand5Ns: ns.get('otel.hand5'),
      oursNs: ns.get(c.ours),
      spans: spansPerCall[c.ours],
    });
  }
  return out;
}

async function checkOperations() {
  for (const [id, op] of Object.entries(OPS)) {
    let value;
    try {
      value = await op.run();
    } catch (error) {
      fail(`${id} threw: ${error?.stack ?? error}`);
    }
    if (value !== op.expect) fail(`${id} resolved to ${String(value)}, expected ${op.expect}`);
  }
}

async function countSpans() {
  const counts = {};
  for (const id of SDK_TASKS) {
    exporter.reset();
    await OPS[id].run();
    await provider.forceFlush();
    counts[id] = exporter.getFinishedSpans().length;
  }
  exporter.reset();
  for (const id of SDK_TASKS) {
    if (id !== 'bare' && !(counts[id] > 0))
      fail(
        `no span recorded for ${id} with the SDK registered: the bench did not register the ` +
          '@opentelemetry/api instance that @tta-dev/core uses',
      );
  }
  return counts;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function figure(map, id) {
  const entry = map.get(id);
  if (entry === undefined) return undefined;
  const ns = median(entry.rounds);
  return {
    nsPerCall: round(ns, 1),
    opsPerSec: Math.round(1e9 / ns),
    roundMediansNs: entry.rounds.map((v) => round(v, 1)),
    callsPerSample: entry.batch,
    lastRound: Object.fromEntries(
      Object.entries(entry.last).map(([k, v]) => [k, k === 'samples' ? v : round(v, 2)]),
    ),
  };
}

function buildResults() {
  const cases = CASES.map((c) => {
    const ours = figure(plain, c.ours);
    const anchor = figure(plain, c.anchor);
    const theirs = c.cockatiel === null ? null : figure(plain, c.cockatiel);
    // Paired: the two tasks run one after the other in every round, so their per-round ratio is
    // little affected by the machine's slow and fast periods, which last seconds.
    const roundRatios =
      theirs === null
        ? null
        : plain.get(c.ours).rounds.map((ns, i) => ns / plain.get(c.cockatiel).rounds[i]);
    const ratioToCockatiel = roundRatios === null ? null : round(median(roundRatios), 3);
    const target = TARGETS[c.id];
    return {
      id: c.id,
      label: c.label,
      ours: { op: OPS[c.ours].label, ...ours },
      cockatiel: theirs === null ? null : { op: OPS[c.cockatiel].label, ...theirs },
      anchor: { op: OPS[c.anchor].label, nsPerCall: anchor.nsPerCall },
      ratioToCockatiel,
      roundRatiosToCockatiel: roundRatios === null ? null : roundRatios.map((r) => round(r, 3)),
      cockatielToOurs: ratioToCockatiel === null ? null : round(1 / ratioToCockatiel, 2),
      ratioToBare: round(ours.nsPerCall / anchor.nsPerCall, 2),
      cockatielRatioToBare: theirs === null ? null : round(theirs.nsPerCall / anchor.nsPerCall, 2),
      target:
        target === undefined
          ? null
          : {
              description: target.text,
              maxRatioToCockatiel: round(target.maxRatio, 3),
              met: ratioToCockatiel <= target.maxRatio,
            },
    };
  });

  const bareWithSdk = figure(withSdk, 'bare');
  const bare = figure(plain, 'bare');
  const handWithout = figure(plain, 'otel.hand');
  const handWith = figure(withSdk, 'otel.hand');
  const handSpans = spansPerCall['otel.hand'];
  const handNsPerSpan = (handWith.nsPerCall - handWithout.nsPerCall) / handSpans;
  const sdkCases = CASES.map((c) => {
    const without = figure(plain, c.ours);
    const withIt = figure(withSdk, c.ours);
    const spans = spansPerCall[c.ours];
    const nsPerSpan = (withIt.nsPerCall - without.nsPerCall) / spans;
    // Paired: per pair, (ours − ours without SDK) / spans − (hand − hand without SDK) / hand spans.
    const pair = paired.get(c.id);
    const beyond = pair.oursNs.map(
      (ns, i) =>
        (ns - without.nsPerCall) / spans - (pair.handNs[i] - handWithout.nsPerCall) / handSpans,
    );
    const pairedBeyond = median(beyond);
    const hand5Without = figure(plain, 'otel.hand5');
    const beyondSameAttributes = pair.oursNs.map(
      (ns, i) =>
        (ns - without.nsPerCall) / spans -
        (pair.hand5Ns[i] - hand5Without.nsPerCall) / spansPerCall['otel.hand5'],
    );
    return {
      id: c.id,
      label: c.label,
      spansPerCall: spans,
      nsPerCallWithoutSdk: without.nsPerCall,
      nsPerCallWithSdk: withIt.nsPerCall,
      withSdk: withIt,
      nsPerSpan: round(nsPerSpan, 0),
      nsPerSpanBeyondHandInstrumentedUnpaired: round(nsPerSpan - handNsPerSpan, 0),
      paired: {
        pairs: beyond.length,
        handNsPerSpan: round((median(pair.handNs) - handWithout.nsPerCall) / handSpans, 0),
        oursNsPerSpan: round((median(pair.oursNs) - without.nsPerCall) / spans, 0),
        beyondHandP25: round(quantile(beyond, 0.25), 0),
        beyondHandP75: round(quantile(beyond, 0.75), 0),
        hand5NsPerSpan: round(
          (median(pair.hand5Ns) - hand5Without.nsPerCall) / spansPerCall['otel.hand5'],
          0,
        ),
        beyondHandWithOurAttributes: round(median(beyondSameAttributes), 0),
        // With the SDK only, no "without" figures subtracted: what a span of ours costs next to
        // one written by hand with the same attributes, calls per span alike.
        rawNsPerSpanBeyondHandWithOurAttributes: round(
          median(pair.oursNs.map((ns, i) => ns / spans - pair.hand5Ns[i])),
          0,
        ),
      },
      nsPerSpanBeyondHandInstrumented: round(pairedBeyond, 0),
      target: {
        description: `< ${MAX_NS_PER_SPAN} ns per recorded span`,
        maxNsPerSpan: MAX_NS_PER_SPAN,
        met: nsPerSpan < MAX_NS_PER_SPAN,
      },
      targetBeyondHand: {
        description: `≤ ${MAX_NS_BEYOND_HAND} ns per span beyond the hand-made call (paired median)`,
        maxNsBeyondHand: MAX_NS_BEYOND_HAND,
        met: pairedBeyond <= MAX_NS_BEYOND_HAND,
      },
    };
  });

  const targets = [
    ...cases
      .filter((c) => c.target !== null)
      .map((c) => ({
        id: c.id,
        description: `${c.label}: ${c.target.description}`,
        value: c.ratioToCockatiel,
        met: c.target.met,
      })),
    ...sdkCases.map((c) => ({
      id: `span.${c.id}`,
      description: `${c.label} with SDK: ${c.target.description}`,
      value: c.nsPerSpan,
      met: c.target.met,
    })),
    ...sdkCases.map((c) => ({
      id: `span.beyondHand.${c.id}`,
      description: `${c.label} with SDK: ${c.targetBeyondHand.description}`,
      value: c.nsPerSpanBeyondHandInstrumented,
      met: c.targetBeyondHand.met,
    })),
  ];

  return {
    benchmark: '@tta-dev/core primitives vs bare await and cockatiel',
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: { model: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length },
    loadAverageAtEnd: os.loadavg().map((v) => round(v, 2)),
    versions: {
      '@tta-dev/core': packageVersion('@tta-dev/core'),
      cockatiel: packageVersion('cockatiel'),
      tinybench: packageVersion('tinybench'),
      '@opentelemetry/api': otelApiVersion(),
      '@opentelemetry/sdk-trace-base': packageVersion('@opentelemetry/sdk-trace-base'),
      '@opentelemetry/context-async-hooks': packageVersion('@opentelemetry/context-async-hooks'),
    },
    settings: {
      ...SETTINGS,
      tinybench: {
        time: SETTINGS.time,
        warmupTime: SETTINGS.warmupTime,
        iterations: SETTINGS.iterations,
        warmupIterations: SETTINGS.warmupIterations,
        now: 'performance.now (tinybench default)',
      },
      function: 'async () => 1',
      context: 'one createContext() outside the loop; primitives run as p.run(1, ctx)',
      sdk: 'BasicTracerProvider + BatchSpanProcessor(InMemorySpanExporter) + AsyncLocalStorageContextManager, registered globally; exporter reset after every sample',
    },
    cases,
    sdk: {
      bareNsPerCallWithoutSdk: bare.nsPerCall,
      bareNsPerCallWithSdk: bareWithSdk.nsPerCall,
      reference: {
        op: OPS['otel.hand'].label,
        description:
          'startSpan + context.with(trace.setSpan(context.active(), span), fn) + span.end(): the floor of any instrumentation with this SDK set-up',
        spansPerCall: handSpans,
        nsPerCallWithoutSdk: handWithout.nsPerCall,
        nsPerCallWithSdk: handWith.nsPerCall,
        withSdk: handWith,
        nsPerSpan: round(handNsPerSpan, 0),
      },
      referenceWithOurAttributes: {
        op: OPS['otel.hand5'].label,
        description:
          'the reference with the five attributes our spans carry here (no persona in the context), set after startSpan as ours are',
        spansPerCall: spansPerCall['otel.hand5'],
        nsPerCallWithoutSdk: figure(plain, 'otel.hand5').nsPerCall,
        nsPerCallWithSdk: figure(withSdk, 'otel.hand5').nsPerCall,
        nsPerSpan: round(
          (figure(withSdk, 'otel.hand5').nsPerCall - figure(plain, 'otel.hand5').nsPerCall) /
            spansPerCall['otel.hand5'],
          0,
        ),
      },
      cases: sdkCases,
    },
    targets,
    allTargetsMet: targets.every((t) => t.met),
  };
}

function printTable(results) {
  const rows = [
    ['case', 'ours ns', 'ours ops/s', 'cockatiel ns', 'ours/cockatiel', 'ours/bare', 'target'],
  ];
  for (const c of results.cases) {
    rows.push([
      c.label,
      fmt(c.ours.nsPerCall),
      fmtInt(c.ours.opsPerSec),
      c.cockatiel === null ? '—' : fmt(c.cockatiel.nsPerCall),
      c.ratioToCockatiel === null ? '—' : c.ratioToCockatiel.toFixed(3),
      `${c.ratioToBare.toFixed(2)} (${c.anchor.op})`,
      c.target === null
        ? '—'
        : `${c.target.met ? 'met' : 'MISSED'} (≤ ${c.target.maxRatioToCockatiel})`,
    ]);
  }
  log('');
  log(
    `Without SDK (${SETTINGS.statistic}); bare await fn() = ${fmt(results.cases[0].anchor.nsPerCall)} ns`,
  );
  log(renderTable(rows));

  const ref = results.sdk.reference;
  const sdkRows = [
    [
      'case',
      'spans/call',
      'ns without SDK',
      'ns with SDK',
      'ns per span',
      'beyond hand-made (paired)',
      'beyond hand-made, our attributes',
      'target',
    ],
    [
      ref.op,
      String(ref.spansPerCall),
      fmt(ref.nsPerCallWithoutSdk),
      fmt(ref.nsPerCallWithSdk),
      fmt(ref.nsPerSpan),
      '0',
      '',
      '(reference)',
    ],
  ];
  const ref5 = results.sdk.referenceWithOurAttributes;
  sdkRows.push([
    ref5.op,
    String(ref5.spansPerCall),
    fmt(ref5.nsPerCallWithoutSdk),
    fmt(ref5.nsPerCallWithSdk),
    fmt(ref5.nsPerSpan),
    '',
    '0',
    '(reference)',
  ]);
  for (const c of results.sdk.cases) {
    sdkRows.push([
      c.label,
      String(c.spansPerCall),
      fmt(c.nsPerCallWithoutSdk),
      fmt(c.nsPerCallWithSdk),
      fmt(c.nsPerSpan),
      fmtSigned(c.nsPerSpanBeyondHandInstrumented),
      fmtSigned(c.paired.beyondHandWithOurAttributes),
      `${c.target.met ? 'met' : 'MISSED'} (< ${MAX_NS_PER_SPAN}); ` +
        `${c.targetBeyondHand.met ? 'met' : 'MISSED'} (≤ +${MAX_NS_BEYOND_HAND})`,
    ]);
  }
  log('');
  log(
    `With SDK (in-memory spans); bare await fn() with the context manager on: ` +
      `${fmt(results.sdk.bareNsPerCallWithSdk)} ns (without: ${fmt(results.sdk.bareNsPerCallWithoutSdk)} ns)`,
  );
  log(renderTable(sdkRows));
  log('');
  const missed = results.targets.filter((t) => !t.met);
  if (missed.length === 0) log(`All ${results.targets.length} targets met.`);
  else {
    log(`TARGETS MISSED: ${missed.length} of ${results.targets.length}`);
    for (const t of missed) log(`  ✗ ${t.description}: measured ${t.value}`);
  }
}

function renderTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const line = (r) =>
    r
      .map((cell, i) =>
        i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]),
      )
      .join('  ');
  return [
    line(rows[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}

/**
 * The `@opentelemetry/api` module instance that @tta-dev/core itself loads. It matters: core's
 * tracer is a ProxyTracer of that instance's proxy provider, so the global provider must be set
 * through the same instance (the package ships ESM and CJS builds; core, being ESM, loads the ESM
 * one). The root package does not depend on the API, so it is resolved from core's location.
 */
async function loadOtelApiUsedByCore() {
  const requireFromCore = createRequire(fileURLToPath(import.meta.resolve('@tta-dev/core')));
  const cjsEntry = requireFromCore.resolve('@opentelemetry/api');
  const esmEntry = cjsEntry.replace(/\.c?js$/, '.mjs');
  return import(pathToFileURL(fs.existsSync(esmEntry) ? esmEntry : cjsEntry).href);
}

function otelApiVersion() {
  const requireFromCore = createRequire(fileURLToPath(import.meta.resolve('@tta-dev/core')));
  let dir = path.dirname(requireFromCore.resolve('@opentelemetry/api'));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
}

function packageVersion(name) {
  try {
    const file = path.join(ROOT, 'node_modules', name, 'package.json');
    return JSON.parse(fs.readFileSync(file, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) fail(`unexpected argument ${arg}`, 2);
    const [key, inline] = arg.slice(2).split('=', 2);
    const name = key.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (name === 'quick') out.quick = true;
    else if (['out', 'rounds', 'batch', 'time', 'warmupTime', 'iterations', 'pairs'].includes(name))
      out[name] = inline ?? argv[++i];
    else fail(`unknown option --${key}`, 2);
  }
  return out;
}

function numberArg(value, fallbackValue) {
  if (value === undefined) return fallbackValue;
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0)) fail(`expected a positive number, got ${value}`, 2);
  return n;
}

function round(value, digits) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function fmt(n) {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

function fmtSigned(n) {
  return n > 0 ? `+${fmt(n)}` : n < 0 ? `−${fmt(-n)}` : '0';
}

function fmtInt(n) {
  return Math.round(n).toLocaleString('en-US');
}

function log(message) {
  process.stderr.write(`${message}\n`);
}

function fail(message, code = 1) {
  log(`bench/core.bench.mjs: ${message}`);
  process.exit(code);
}
