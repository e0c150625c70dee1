#!/usr/bin/env node
// Operations per second of core's Memory on its three backends, in one run: the in-process
// InMemoryBackend (the default), RedisMemoryBackend and PostgresMemoryBackend of
// @tta-dev/integrations, each on a real server started for the run (@tta-dev/testkit: Debian's
// redis-server and PostgreSQL 15 on loopback, PostgreSQL with fsync on, as in production).
//
//   node bench/memory.bench.mjs               after a build (pnpm --filter @tta-dev/integrations... build
//                                             and pnpm --filter @tta-dev/testkit build); writes
//                                             bench/results/memory.json
//   node bench/memory.bench.mjs --quick       smoke run (figures meaningless), writes no file unless --out
//   node bench/memory.bench.mjs --out FILE    write the JSON results to FILE
//   node bench/memory.bench.mjs --reps N      repetitions (default 3)
//
// Method (see docs/benchmarks.md): per backend, `add` of a small JSON value with a tag, `get` of
// keys that exist, and `search` of one keyword in a namespace of 1,000 entries (which lists the
// namespace: the cost of `list(prefix)`), each one call at a time (latency-bound: one round trip
// per call on a server) and, for add and get, also 32 calls in flight (what a busy gateway or
// several stages see). Backends run interleaved, `reps` times, each on a fresh key prefix or
// database; a figure is the median ops/s over repetitions.
//
// The process exits 0 whether or not it is fast: a benchmark reports, it does not gate.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_OUT = path.join(ROOT, 'bench', 'results', 'memory.json');
const built = (p) => pathToFileURL(path.join(ROOT, p)).href;

const { values: args } = parseArgs({
  options: { quick: { type: 'boolean' }, out: { type: 'string' }, reps: { type: 'string' } },
});
const QUICK = args.quick === true;
const REPS = Number(args.reps ?? (QUICK ? 1 : 3));
const out = args.out ?? (QUICK ? undefined : DEFAULT_OUT);
const SCALE = QUICK ? 0.05 : 1;
const IN_FLIGHT = 32;
const SEARCH_ENTRIES = 1_000;

const { Memory, InMemoryBackend } = await import(built('packages/core/dist/index.js'));
const { RedisMemoryBackend, PostgresMemoryBackend } = await import(
  built('packages/integrations/dist/index.js')
);
const { startRedis, startPostgres } = await import(built('packages/testkit/dist/index.js'));

/** Calls per case, by backend: enough for a stable rate, few enough for a minute-long run. */
const COUNTS = {
  memory: { single: 20_000, parallel: 20_000, search: 300 },
  redis: { single: 3_000, parallel: 10_000, search: 60 },
  postgres: { single: 1_000, parallel: 3_000, search: 60 },
};

const redis = await startRedis();
const postgres = await startPostgres({ fsync: true });
let fresh = 0;

const OPEN = {
  memory: async () => ({
    backend: new InMemoryBackend({ maxEntries: 1_000_000 }),
    close: () => {},
  }),
  redis: async () => {
    const backend = await RedisMemoryBackend.open({
      url: redis.url,
      prefix: `{bench-${++fresh}}:`,
    });
    return { backend, close: () => backend.close() };
  },
  postgres: async () => {
    const url = await postgres.createDatabase(`bench_${++fresh}`);
    const backend = await PostgresMemoryBackend.open({ url });
    return { backend, close: () => backend.close() };
  },
};

const value = (i) => ({ step: i, summary: `coverage 86.${i % 10}% on module ${i % 50}` });

/** Ops per second of `count` calls of `op(i)`, `inFlight` at a time. */
async function rate(count, inFlight, op) {
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await op(next++);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return count / seconds;
}

async function measure(kind) {
  const counts = Object.fromEntries(
    Object.entries(COUNTS[kind]).map(([k, n]) => [k, Math.max(10, Math.round(n * SCALE))]),
  );
  const { backend, close } = await OPEN[kind]();
  try {
    const memory = new Memory({ backend }).namespace('bench');
    const result = {};
    result.addSingle = await rate(counts.single, 1, (i) =>
      memory.add(`a:${i}`, value(i), { tags: ['bench'] }),
    );
    result.getSingle = await rate(counts.single, 1, (i) => memory.get(`a:${i}`));
    result.addParallel = await rate(counts.parallel, IN_FLIGHT, (i) =>
      memory.add(`p:${i}`, value(i), { tags: ['bench'] }),
    );
    result.getParallel = await rate(counts.parallel, IN_FLIGHT, (i) =>
      memory.get(`p:${i % counts.parallel}`),
    );
    const space = memory.namespace('search');
    await rate(SEARCH_ENTRIES, IN_FLIGHT, (i) => space.add(`e:${i}`, value(i)));
    let hits = 0;
    result.search1k = await rate(counts.search, 1, async () => {
      hits = (await space.search('module 7')).length;
    });
    if (hits === 0) throw new Error(`${kind}: search found nothing`);
    return result;
  } finally {
    await close();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const KINDS = ['memory', 'redis', 'postgres'];
const samples = Object.fromEntries(KINDS.map((k) => [k, []]));
try {
  for (let rep = 0; rep < REPS; rep++)
    for (const kind of KINDS) {
      samples[kind].push(await measure(kind));
      process.stderr.write(`rep ${rep + 1}/${REPS} ${kind} done\n`);
    }
} finally {
  await Promise.all([redis.stop(), postgres.stop()]);
}

const CASES = ['addSingle', 'getSingle', 'addParallel', 'getParallel', 'search1k'];
const cases = KINDS.map((backend) => ({
  backend,
  opsPerSecond: Object.fromEntries(
    CASES.map((c) => [c, Math.round(median(samples[backend].map((s) => s[c])))]),
  ),
}));

const results = {
  benchmark: 'Memory: ops/s of add, get and search on InMemoryBackend, Redis and PostgreSQL',
  date: new Date().toISOString(),
  node: process.version,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  cpu: { model: os.cpus()[0]?.model.replace(/ \d+-Core.*/, ''), cores: os.cpus().length },
  servers: 'redis-server and PostgreSQL 15 (fsync on) from Debian, on loopback, same machine',
  settings: { reps: REPS, inFlight: IN_FLIGHT, searchEntries: SEARCH_ENTRIES, quick: QUICK },
  cases: {
    addSingle: 'add, one call at a time',
    getSingle: 'get of an existing key, one call at a time',
    addParallel: `add, ${IN_FLIGHT} calls in flight`,
    getParallel: `get, ${IN_FLIGHT} calls in flight`,
    search1k: `search of one keyword in a namespace of ${SEARCH_ENTRIES} entries, one at a time`,
  },
  statistic: 'median ops/s over repetitions (backends interleaved)',
  results: cases,
};
console.log(JSON.stringify(cases, null, 2));
if (out !== undefined) {
  fs.writeFileSync(`${out}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
  fs.renameSync(`${out}.tmp`, out);
  process.stderr.write(`wrote ${path.relative(process.cwd(), out)}\n`);
}
