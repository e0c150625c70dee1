// Cold start of the CLI's everyday commands against `node -e 0`, in one run: `tta-persona
// current` (what shells and prompts call), `tta-persona list`, `tta --help` and `tta workflow
// list`, each in fresh processes, run alternately round after round. Per round, each command's
// wall time is divided by that round's `node -e 0`, and the figure is the median of those
// ratios (a shared machine has slow and fast periods; commands run next to each other see the
// same one). Target: each within 1.5x of node's own start.
//
// Two more cases are reported without a target: the same `list` commands when the user has a
// persona file and the project workflow files of its own, which must be read and validated
// (zod, YAML and, for workflows, every step kind) on every run.
//
// Each command also runs a second time under bash's `time` for its CPU time (user + system),
// reported beside the wall time without a target: on a busy machine wall times stretch with
// the waiting, CPU times much less, which tells a slow command from a busy machine.
//
// Writes bench/results/cli.json (or --out FILE).
// Usage: node bench/cli.bench.mjs [--runs N] [--out FILE]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string' }, out: { type: 'string' } } });
const runs = Number(values.runs ?? 30);
const WARMUP = 3;
const MAX_RATIO = 1.5;
const root = path.resolve(import.meta.dirname, '..');
const out = values.out ?? path.join(root, 'bench/results/cli.json');
const bin = (name) => path.join(root, 'packages/cli/dist/bin', `${name}.js`);

// A TTA_HOME of its own with an active persona, so that `current` does its real work, and a
// project folder with nothing of its own (built-in personas and workflows only).
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tta-bench-'));
const home = path.join(scratch, 'home');
const project = path.join(scratch, 'project');
fs.mkdirSync(home);
fs.mkdirSync(project);
fs.writeFileSync(path.join(project, 'package.json'), '{ "name": "bench-project" }\n');
const env = { ...process.env, TTA_HOME: home, NO_COLOR: '1' };
for (const name of Object.keys(env))
  if (name.startsWith('OTEL_') || name === 'TTA_TRACE_FILE') delete env[name];
const setup = spawnSync(process.execPath, [bin('tta-persona'), 'backend'], {
  env,
  cwd: project,
  encoding: 'utf8',
});
if (setup.status !== 0) throw new Error(`could not switch persona: ${setup.stderr}`);

// The same, with a user persona file and a project workflow of their own.
const ownHome = path.join(scratch, 'own-home');
const ownProject = path.join(scratch, 'own-project');
fs.cpSync(home, ownHome, { recursive: true });
fs.mkdirSync(path.join(ownHome, 'personas'), { recursive: true });
fs.writeFileSync(
  path.join(ownHome, 'personas', 'reviewer.yaml'),
  [
    'name: bench-reviewer',
    'displayName: Reviewer',
    'description: Reviews pull requests.',
    'tokenBudget: 8000',
    'allowedServers: [github]',
    'allowedTools:',
    '  github: [get_*, list_*]',
    '',
  ].join('\n'),
);
fs.mkdirSync(path.join(ownProject, '.tta', 'workflows'), { recursive: true });
fs.writeFileSync(path.join(ownProject, 'package.json'), '{ "name": "bench-own-project" }\n');
fs.copyFileSync(
  path.join(root, 'packages/workflows/templates/package-release.workflow.yaml'),
  path.join(ownProject, '.tta', 'workflows', 'our-release.workflow.yaml'),
);
const ownEnv = { ...env, TTA_HOME: ownHome };

/** name → how to run it, and a line its output must have (so a broken command cannot pass). */
const commands = {
  'node -e 0': { args: ['-e', '0'], expect: '' },
  'tta-persona current': { args: [bin('tta-persona'), 'current'], expect: 'tta-backend-engineer' },
  'tta-persona list': { args: [bin('tta-persona'), 'list'], expect: 'tta-testing-specialist' },
  'tta --help': { args: [bin('tta'), '--help'], expect: 'Usage: tta <command>' },
  'tta workflow list': { args: [bin('tta'), 'workflow', 'list'], expect: 'package-release' },
  'tta-persona list, a user persona file': {
    args: [bin('tta-persona'), 'list'],
    expect: 'bench-reviewer',
    env: ownEnv,
    cwd: ownProject,
    informational: true,
  },
  'tta workflow list, a project workflow': {
    args: [bin('tta'), 'workflow', 'list'],
    expect: 'our-release',
    env: ownEnv,
    cwd: ownProject,
    informational: true,
  },
};
const ANCHOR = 'node -e 0';
const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
const cpuTimes = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
const check = (name, command, result) => {
  if (result.status !== 0) throw new Error(`${name} exited ${result.status}: ${result.stderr}`);
  if (!result.stdout.includes(command.expect))
    throw new Error(`${name} did not print "${command.expect}":\n${result.stdout}`);
};
for (let i = 0; i < runs + WARMUP; i++) {
  for (const [name, command] of Object.entries(commands)) {
    const options = {
      env: command.env ?? env,
      cwd: command.cwd ?? project,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    };
    const started = performance.now();
    const result = spawnSync(process.execPath, command.args, options);
    const ms = performance.now() - started;
    check(name, command, result);
    // CPU time (user + system) of a second run, through bash's `time`: less sensitive than wall
    // time to other processes on the machine, so it tells whether a busy machine inflated a ratio.
    const timed = spawnSync(
      'bash',
      ['-c', 'TIMEFORMAT="%3U %3S"; time "$@"', 'bash', process.execPath, ...command.args],
      options,
    );
    check(name, command, timed);
    const [user, system] = timed.stderr.trim().split('\n').at(-1).split(' ').map(Number);
    if (i >= WARMUP) {
      // the first rounds warm the file cache
      times[name].push(ms);
      cpuTimes[name].push((user + system) * 1000);
    }
  }
}
fs.rmSync(scratch, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x, digits) => Math.round(x * 10 ** digits) / 10 ** digits;
const cases = Object.entries(times).map(([name, xs]) => {
  const ratios = xs.map((ms, i) => ms / times[ANCHOR][i]);
  const ratio = median(ratios);
  const informational = commands[name].informational === true || name === ANCHOR;
  const cpu = cpuTimes[name];
  const cpuRatio = median(cpu.map((ms, i) => ms / cpuTimes[ANCHOR][i]));
  return {
    command: name,
    medianMs: round(median(xs), 1),
    minMs: round(Math.min(...xs), 1),
    ratioToNode: round(ratio, 2),
    cpuMedianMs: round(median(cpu), 1),
    cpuRatioToNode: round(cpuRatio, 2),
    target: informational
      ? null
      : { description: `within ${MAX_RATIO}x of node -e 0`, met: ratio <= MAX_RATIO },
  };
});
const targets = cases
  .filter((c) => c.target !== null)
  .map((c) => ({
    id: c.command,
    description: `${c.command} ${c.target.description}`,
    value: c.ratioToNode,
    met: c.target.met,
  }));
const results = {
  benchmark: 'CLI cold start against node -e 0',
  date: new Date().toISOString(),
  node: process.version,
  cpu: { model: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length },
  loadAverageAtEnd: os.loadavg().map((v) => round(v, 2)),
  runs,
  statistic:
    'per command: median over rounds of (wall time / node -e 0 of the same round); fresh processes run alternately, after 3 warm-up rounds. cpu: user + system time of a second run of each, through bash `time`, same statistic (no target)',
  setup:
    'TTA_HOME with an active persona and no persona files, in a project folder with no .tta/; the informational cases add a user persona file (YAML) and a project workflow file',
  cases,
  targets,
  allTargetsMet: targets.every((t) => t.met),
};
for (const c of cases)
  process.stderr.write(
    `${c.command.padEnd(40)} ${String(c.medianMs).padStart(7)} ms  ${String(c.ratioToNode).padStart(5)}x node` +
      `   cpu ${String(c.cpuMedianMs).padStart(6)} ms ${String(c.cpuRatioToNode).padStart(5)}x` +
      `${c.target === null ? '' : c.target.met ? '  met' : '  MISSED'}\n`,
  );
process.stderr.write(
  `targets (≤ ${MAX_RATIO}x node): ${results.allTargetsMet ? 'all met' : 'MISSED'}\n`,
);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(`${out}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
fs.renameSync(`${out}.tmp`, out);
