// Cold start of `tta-persona current` (what shells and prompts call) against `node -e 0`.
// Runs each command alternately in fresh processes and reports the median wall time; the target
// is within 2x of node's own start. Writes bench/results/cli.json (or --out FILE).
// Usage: node bench/cli.bench.mjs [--runs N] [--out FILE]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string' }, out: { type: 'string' } } });
const runs = Number(values.runs ?? 30);
const root = path.resolve(import.meta.dirname, '..');
const out = values.out ?? path.join(root, 'bench/results/cli.json');
const bin = (name) => path.join(root, 'packages/cli/dist/bin', `${name}.js`);

// A TTA_HOME of its own with an active persona, so `current` does its real work.
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tta-bench-'));
const env = { ...process.env, TTA_HOME: home, NO_COLOR: '1' };
const setup = spawnSync(process.execPath, [bin('tta-persona'), 'backend'], {
  env,
  encoding: 'utf8',
});
if (setup.status !== 0) throw new Error(`could not switch persona: ${setup.stderr}`);

const commands = {
  'node -e 0': ['-e', '0'],
  'tta-persona current': [bin('tta-persona'), 'current'],
  'tta-persona list': [bin('tta-persona'), 'list'],
};
const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (let i = 0; i < runs + 3; i++) {
  for (const [name, args] of Object.entries(commands)) {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const ms = performance.now() - started;
    if (result.status !== 0) throw new Error(`${name} failed: ${result.stderr}`);
    if (i >= 3) times[name].push(ms); // the first three warm the file cache
  }
}
fs.rmSync(home, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const anchor = median(times['node -e 0']);
const cases = Object.entries(times).map(([name, xs]) => ({
  command: name,
  medianMs: Math.round(median(xs) * 10) / 10,
  minMs: Math.round(Math.min(...xs) * 10) / 10,
  ratioToNode: Math.round((median(xs) / anchor) * 100) / 100,
}));
const current = cases.find((c) => c.command === 'tta-persona current');
const results = {
  benchmark: 'tta-persona cold start against node -e 0',
  date: new Date().toISOString(),
  node: process.version,
  cpu: { model: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length },
  runs,
  statistic: 'median wall time of fresh processes, run alternately, after 3 warm-up rounds',
  cases,
  target: {
    description: 'tta-persona current within 2x of node -e 0',
    value: current.ratioToNode,
    met: current.ratioToNode <= 2,
  },
};
for (const c of cases)
  process.stderr.write(
    `${c.command.padEnd(22)} ${String(c.medianMs).padStart(7)} ms  ${c.ratioToNode}x node\n`,
  );
process.stderr.write(`target (current ≤ 2x node): ${results.target.met ? 'met' : 'MISSED'}\n`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(`${out}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
fs.renameSync(`${out}.tmp`, out);
