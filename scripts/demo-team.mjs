#!/usr/bin/env node
// A team on one PostgreSQL, on this machine: a throwaway PostgreSQL on loopback (in a temp
// folder), `tta serve` and two `tta worker` processes on it, a package-release queued, one worker
// killed mid-run, and the run finished by the other by itself. Prints who drives the run as it
// happens. Everything it started is stopped and removed on exit, Ctrl-C included.
//
//   node scripts/demo-team.mjs [--stay] [--port N]     (npm run demo:team sets up and builds first)
//
// --stay keeps PostgreSQL and `tta serve` up once the run is done (its workers stop), until
// Ctrl-C, to look at the run or to point terminals of your own at that PostgreSQL;
// --port N serves on that port (default: a free one).
// Exit 0 when the run completed, 1 otherwise, 130 on Ctrl-C before the end.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '@tta-dev/testkit';
import { createSampleProject, openRunStore, SAMPLE_GIT_ENV } from '@tta-dev/workflows';

const TTA = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'packages',
  'cli',
  'dist',
  'bin',
  'tta.js',
);
const RUN = 'team-release';
/** The step whose start gets its worker killed. */
const KILL_AT = 'tests';
const args = process.argv.slice(2);
const stay = args.includes('--stay');
const port = args.includes('--port') ? args[args.indexOf('--port') + 1] : '0';
if (!/^\d+$/.test(port ?? '')) {
  process.stderr.write('demo:team: --port needs a port number\n');
  process.exit(2);
}

const say = (line) => process.stdout.write(`${line}\n`);
const processes = [];
let pg;
let root;
let store;
let cleaning;
/** The demo's exit code once the run ended (`undefined` while it goes on). */
let result;
/** Set once Ctrl-C (or SIGTERM) took over the ending. */
let signalled = false;
const workers = new Map();

/** Stops what this demo started, once: the processes, the store's connections, PostgreSQL, the folder. */
function cleanUp() {
  cleaning ??= (async () => {
    for (const p of processes) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
    await Promise.all(
      processes.map(
        (p) =>
          new Promise((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            // A second signal stops tta at once, should the first leave it waiting.
            const hurry = setTimeout(() => p.kill('SIGKILL'), 10_000);
            p.once('exit', () => {
              clearTimeout(hurry);
              resolve();
            });
          }),
      ),
    );
    await store?.close?.().catch(() => undefined);
    await pg?.stop().catch(() => undefined);
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, () => {
    say(`\n${signal}: stopping everything`);
    // The run's end decides if it came first; otherwise this is an interruption (130), whatever
    // the processes stopped under the run say.
    const code = result ?? 130;
    signalled = true;
    void cleanUp().then(() => process.exit(code));
  });

/** Starts `tta <args>`; each line of its stdout goes to `onLine`, its stderr to `onErr` (or nowhere). */
function tta(args, env, onLine = () => undefined, onErr = () => undefined) {
  const child = spawn(process.execPath, [TTA, ...args], {
    cwd: env.PROJECT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  processes.push(child);
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onErr);
  child.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  return child;
}

async function main() {
  root = await mkdtemp(join(tmpdir(), 'tta-team-demo-'));
  say('starting a throwaway PostgreSQL on loopback…');
  pg = await startPostgres();
  const storeUrl = await pg.createDatabase('tta');
  say(`PostgreSQL: ${storeUrl} (throwaway: loopback only, trust authentication)`);
  const project = join(root, 'tta-sample-widgets');
  await createSampleProject(project);
  say(`sample package: ${project} (the demo's folder: ${root})`);
  const env = {
    ...process.env,
    ...SAMPLE_GIT_ENV,
    PROJECT: project,
    TTA_RUN_STORE: storeUrl,
    TTA_HOME: join(root, 'tta-home'),
    npm_config_cache: join(root, 'npm-cache'),
    NO_COLOR: '1',
  };
  store = openRunStore({ cwd: project, env: { TTA_RUN_STORE: storeUrl } });

  const token = randomBytes(24).toString('base64url');
  const serve = tta(['serve', '--port', port, '--json', '--token', token], env);
  const listening = await new Promise((resolve, reject) => {
    createInterface({ input: serve.stdout }).once('line', (line) => resolve(JSON.parse(line)));
    serve.exited.then((code) => reject(new Error(`tta serve exited (${code}) before listening`)));
  });
  const base = listening.url.replace(/\/?$/, '/');
  say(`tta serve: ${base} (token ${token})`);
  say(`  open ${base}api/runs?token=${token} in a browser, or follow it live:`);
  say(`  curl -N -H 'Authorization: Bearer ${token}' ${base}api/events`);
  say('  or put that URL and token in the Logseq plugin’s settings');

  // Two workers: the "other machines". Each says what it claims and finishes (--json).
  const nameOfPid = new Map();
  for (const name of ['one', 'two']) {
    const worker = tta(['worker', '--json', '--lease-ms', '2000'], env, (line) => {
      const event = JSON.parse(line);
      if (event.type === 'claimed')
        say(`worker ${name} claims ${event.runId} (it was ${event.was})`);
      else if (event.type === 'finished')
        say(`worker ${name} finished its drive of ${event.runId}: ${event.status}`);
      else if (event.type === 'error') say(`worker ${name}: error: ${event.message}`);
    });
    workers.set(name, worker);
    nameOfPid.set(worker.pid, name);
    say(`worker ${name} started (pid ${worker.pid})`);
  }

  say(`queueing ${RUN}: tta workflow run package-release --queue --input bump=minor`);
  const queued = tta(
    ['workflow', 'run', 'package-release', '--queue', '--run-id', RUN, '--input', 'bump=minor'],
    env,
  );
  if ((await queued.exited) !== 0) throw new Error('tta workflow run --queue failed');

  // Follow the run's log (PostgreSQL's LISTEN/NOTIFY): who drives it, each step, its end.
  let driver;
  let killed;
  const follow = new AbortController();
  for await (const event of store.follow(RUN, { signal: follow.signal })) {
    if (event.type === 'run_resumed') {
      driver = nameOfPid.get(Number(event.by.split(':')[1])) ?? event.by;
      say(`→ worker ${driver} drives ${RUN}`);
    } else if (event.type === 'step_started') {
      say(`  ${event.stage}/${event.step} started on worker ${driver}`);
      if (event.step === KILL_AT && killed === undefined) {
        killed = driver;
        say(`✗ killing worker ${killed} (SIGKILL) as it runs ${event.stage}/${event.step}`);
        workers.get(killed).kill('SIGKILL');
      }
    } else if (event.type === 'step_failed')
      say(`  ${event.stage}/${event.step} failed on worker ${driver}: ${event.error.message}`);
    else if (event.type === 'gate_passed') say(`  gate ${event.gate} passed`);
    else if (event.type === 'gate_failed') say(`  gate ${event.gate} failed`);
    else if (event.type === 'step_suspended') {
      say(`  ${event.stage}/${event.step} waits for a person; answering it as one would:`);
      say(`  tta workflow complete ${RUN} ${event.step} --output "…"`);
      const complete = tta(
        [
          'workflow',
          'complete',
          RUN,
          event.step,
          '--by',
          'demo',
          '--output',
          JSON.stringify('## v1.1.0\n\n- `double(n)` joins `widget(name)`.'),
        ],
        env,
      );
      if ((await complete.exited) !== 0) throw new Error('tta workflow complete failed');
    } else if (event.type === 'run_queued' && driver !== undefined)
      say(`  ${RUN} is queued for a worker (${event.reason ?? 'handed back'})`);
    else if (['run_completed', 'run_failed', 'run_cancelled'].includes(event.type)) {
      follow.abort();
      const status = event.type.slice('run_'.length);
      say(
        status === 'completed'
          ? `✓ ${RUN} completed on worker ${driver}${killed === undefined ? '' : ` (worker ${killed} was killed mid-run)`}`
          : `✗ ${RUN} ${status}${event.error === undefined ? '' : `: ${event.error.message}`}`,
      );
      return status === 'completed' && killed !== undefined && driver !== killed ? 0 : 1;
    }
  }
  return 1;
}

try {
  result = await main();
  if (stay) {
    // Its workers go (SIGTERM: they hand back what they hold), so that runs queued from other
    // terminals go to those terminals' workers.
    for (const worker of workers.values()) worker.kill('SIGTERM');
    await Promise.all([...workers.values()].map((w) => w.exited));
    say('the workers stopped; PostgreSQL and tta serve stay up: Ctrl-C to stop them');
    await new Promise(() => undefined);
  }
} catch (error) {
  if (!signalled) say(`demo:team failed: ${error instanceof Error ? error.message : error}`);
  result = 1;
} finally {
  await cleanUp();
}
if (!signalled) process.exit(result ?? 1);
