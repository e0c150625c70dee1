#!/usr/bin/env node
// Cost of the gateway's call-time checks of paths (PathGuard and filterListing of
// @tta-dev/integrations): what a proxied call pays for them, per kind of call, on real files and
// links in a temporary project. Target (issue 11): at most 0.05 ms added at p50 per call.
//
//   pnpm bench                                  builds, then runs every benchmark; this one ~5 s,
//                                               writes bench/results/gateway-checks.json
//   node bench/gatewayChecks.bench.mjs --quick  smoke run, writes no file unless --out
//   node bench/gatewayChecks.bench.mjs --out FILE
//
// Method: each case runs exactly what PersonaGateway.callTool runs around the downstream call —
// `await guard.refusal(persona, server, config, args)` before (no client roots), `guard.folders(...)` and (for a folder)
// `filterListing(result, folders, isRestricted)` after — timed one call at a time with
// process.hrtime.bigint(), after a warm-up; p50 and p99 are over all samples. The anchor, timed
// in the same rounds, is the same call's arguments through JSON.stringify + JSON.parse (what the
// SDK does to them at least twice per proxied call). Cases interleave round by round so that the
// machine's slow periods fall on all alike.
//
// The process exits 0 whether or not the target is met: a benchmark reports, it does not gate.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_OUT = path.join(ROOT, 'bench', 'results', 'gateway-checks.json');
const DIST = path.join(ROOT, 'packages/integrations/dist/mcp/gateway');
const TARGET_MS = 0.05;

const { values: args } = parseArgs({
  options: { quick: { type: 'boolean' }, out: { type: 'string' } },
});
const QUICK = args.quick === true;
const ROUNDS = QUICK ? 3 : 20;
const CALLS = QUICK ? 200 : 1000;
const WARMUP = QUICK ? 200 : 3000;
const out = args.out ?? (QUICK ? undefined : DEFAULT_OUT);

const load = async (file) => import(pathToFileURL(path.join(DIST, file)).href);
if (!fs.existsSync(path.join(DIST, 'PathGuard.js'))) {
  process.stderr.write(
    `${DIST}/PathGuard.js is missing: run pnpm --filter @tta-dev/integrations... build\n`,
  );
  process.exit(1);
}
const { PathGuard } = await load('PathGuard.js');
const { protectedPaths } = await load('protectedPaths.js');
const { filterListing } = await load('filterListing.js');
const { PersonaSchema } = await import('@tta-dev/personas');

// A project with a few files, a link, and a folder of 100 entries (one of them restricted).
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tta-checks-bench-'));
const project = path.join(root, 'project');
const home = path.join(root, 'home');
for (const file of ['src/index.ts', 'README.md', '.env', 'secrets/key.pem'])
  fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
for (const file of ['src/index.ts', 'README.md', '.env', 'secrets/key.pem'])
  fs.writeFileSync(path.join(project, file), 'x\n');
fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
fs.symlinkSync('../README.md', path.join(project, 'src/readme-link'));
const many = path.join(project, 'many');
fs.mkdirSync(many);
const entries = [];
for (let i = 0; i < 97; i++) entries.push(`[FILE] file-${i}.ts`);
entries.push('[FILE] .env', '[DIR] secrets', '[FILE] notes.md');
for (const line of entries) fs.writeFileSync(path.join(many, line.replace(/^\[\w+\] /, '')), '');
fs.rmSync(path.join(many, 'secrets'));
fs.mkdirSync(path.join(many, 'secrets'));

const persona = PersonaSchema.parse({
  name: 'dev',
  displayName: 'Developer',
  description: 'bench',
  tokenBudget: 10_000,
  allowedServers: ['fs', 'fx'],
  restrictedPaths: ['**/.env', 'secrets/**', '~/.ssh/**', '**/*.pem'],
});
const guard = new PathGuard({
  project,
  home,
  protectedPaths: protectedPaths({ home, ttaHome: path.join(home, '.hypertool') }),
});
const fsConfig = {
  transport: 'stdio',
  command: process.execPath,
  args: ['server-filesystem.js', home, project],
  env: {},
};
const fxConfig = { transport: 'stdio', command: process.execPath, args: ['fixture.mjs'], env: {} };
const listing = { content: [{ type: 'text', text: entries.join('\n') }] };
const echoResult = { content: [{ type: 'text', text: 'ping' }] };

const CASES = [
  { name: 'no path (echo)', server: 'fx', config: fxConfig, args: { message: 'ping' } },
  {
    name: 'absolute path',
    server: 'fs',
    config: fsConfig,
    args: { path: path.join(project, 'src/index.ts') },
  },
  {
    name: 'relative path, 3 bases',
    server: 'fs',
    config: fsConfig,
    args: { path: 'src/index.ts' },
  },
  { name: 'through a link', server: 'fs', config: fsConfig, args: { path: 'src/readme-link' } },
  {
    name: 'listing of 100 entries',
    server: 'fs',
    config: fsConfig,
    args: { path: many },
    result: listing,
  },
];

async function checks(c) {
  if ((await guard.refusal(persona, c.server, c.config, c.args)) !== undefined)
    throw new Error(`${c.name}: refused, the bench's call must be allowed`);
  const folders = guard.folders(c.server, c.config, c.args);
  return filterListing(c.result ?? echoResult, folders, (p) => guard.isRestricted(persona, p));
}
const anchor = (c) => JSON.parse(JSON.stringify(c.args));

// The listing case must really filter: .env is hidden (many/secrets is not the project's secrets/).
const filtered = (await checks(CASES[4])).content[0].text.split('\n').length;
if (filtered !== entries.length - 1) {
  process.stderr.write(`listing kept ${filtered} of ${entries.length} lines: harness broken\n`);
  process.exit(1);
}

const samples = new Map(CASES.map((c) => [c.name, { checks: [], anchor: [] }]));
const time = async (fn) => {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
};
for (const c of CASES) {
  for (let i = 0; i < WARMUP; i++) {
    await checks(c);
    anchor(c);
  }
}
for (let round = 0; round < ROUNDS; round++) {
  const order = CASES.map((_, i) => CASES[(i + round) % CASES.length]);
  for (const c of order) {
    const s = samples.get(c.name);
    for (let i = 0; i < CALLS; i++) {
      s.checks.push(await time(() => checks(c)));
      s.anchor.push(await time(() => anchor(c)));
    }
  }
}
fs.rmSync(root, { recursive: true, force: true });

const quantile = (xs, q) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const cases = CASES.map((c) => {
  const s = samples.get(c.name);
  const p50 = quantile(s.checks, 0.5);
  const anchorP50 = quantile(s.anchor, 0.5);
  return {
    name: c.name,
    samples: s.checks.length,
    checksMs: { p50, p99: quantile(s.checks, 0.99) },
    anchorMs: { p50: anchorP50 },
    ratioToAnchor: p50 / anchorP50,
    targetMs: TARGET_MS,
    met: p50 <= TARGET_MS,
  };
});
const results = {
  benchmark: '@tta-dev/integrations gateway call-time path checks (PathGuard, filterListing)',
  date: new Date().toISOString(),
  node: process.version,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  cpu: { model: os.cpus()[0]?.model, cores: os.cpus().length },
  loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
  settings: { quick: QUICK, rounds: ROUNDS, calls: CALLS, warmup: WARMUP },
  cases,
};
const fmt = (ms) => `${(ms * 1000).toFixed(1)} µs`;
process.stdout.write(
  'Gateway path checks per call (p50 / p99; anchor: JSON round trip of the arguments)\n',
);
for (const c of cases)
  process.stdout.write(
    `  ${c.name.padEnd(26)} ${fmt(c.checksMs.p50).padStart(9)} / ${fmt(c.checksMs.p99).padStart(9)}   anchor ${fmt(c.anchorMs.p50)}   x${c.ratioToAnchor.toFixed(1)}   ${c.met ? 'meets' : 'MISSES'} ≤ ${fmt(TARGET_MS)}\n`,
  );
if (out !== undefined) {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(`${out}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
  fs.renameSync(`${out}.tmp`, out);
  process.stdout.write(`results written to ${path.relative(process.cwd(), out) || out}\n`);
}
