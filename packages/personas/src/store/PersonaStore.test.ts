import { execFile, execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigCorruptError } from './ConfigError.js';
import type { ActivePersona } from './PersonaConfig.js';
import { CONFIG_FILE, type PersonaIdentity, PersonaStore } from './PersonaStore.js';

const run = promisify(execFile);

let home: string;
let clock: number;
const now = () => clock;
const T0 = Date.parse('2025-03-01T09:00:00.000Z');

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'tta-store-'));
  clock = T0;
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const identity = (name: string): PersonaIdentity => ({
  name,
  displayName: `The ${name}`,
  icon: '🧩',
  source: 'builtin',
});

const configFile = () => join(home, CONFIG_FILE);

async function corruptError(promise: Promise<unknown>): Promise<ConfigCorruptError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigCorruptError);
  return error as ConfigCorruptError;
}

describe('PersonaStore', () => {
  it('reads a missing file as undefined, and activate creates it (and its folder)', async () => {
    const store = new PersonaStore({ home: join(home, 'a', 'b'), now });
    expect(await store.read()).toBeUndefined();
    expect(await store.active()).toBeUndefined();
    expect(await store.history()).toEqual([]);

    await store.activate(identity('backend'));

    expect(existsSync(join(home, 'a', 'b', CONFIG_FILE))).toBe(true);
    expect((await store.active())?.name).toBe('backend');
  });

  it('round-trips activate, active and history, with since and previousDurationMs', async () => {
    const store = new PersonaStore({ home, now });

    const first = await store.activate(identity('backend'));
    expect(first).toEqual({ from: null, to: 'backend', at: '2025-03-01T09:00:00.000Z' });
    expect(await store.active()).toEqual({
      ...identity('backend'),
      since: '2025-03-01T09:00:00.000Z',
    });

    clock += 90_000;
    const second = await store.activate(identity('frontend'));
    expect(second).toEqual({
      from: 'backend',
      to: 'frontend',
      at: '2025-03-01T09:01:30.000Z',
      previousDurationMs: 90_000,
    });

    clock += 5_000;
    const cleared = await store.activate(null);
    expect(cleared).toEqual({
      from: 'frontend',
      to: null,
      at: '2025-03-01T09:01:35.000Z',
      previousDurationMs: 5_000,
    });

    // Another instance (another process, in effect) sees the same.
    const other = new PersonaStore({ home });
    expect(await other.active()).toBeUndefined();
    expect(await other.history()).toEqual([first, second, cleared]);
    expect(JSON.parse(await readFile(configFile(), 'utf8'))).not.toHaveProperty('activePersona');
  });

  it.each([
    [1, 3],
    [3, 5],
    [5, 5],
    [5, 4],
    [0, 2],
  ])('keeps at most historyLimit=%i switches of %i, the latest', async (limit, switches) => {
    const store = new PersonaStore({ home, now, historyLimit: limit });
    const names = Array.from({ length: switches }, (_, i) => `p${i}`);
    for (const name of names) await store.activate(identity(name));
    const kept = Math.min(limit, switches);
    const history = await store.history();
    expect(history.map((s) => s.to)).toEqual(names.slice(names.length - kept));
    expect((await store.active())?.name).toBe(names.at(-1));
  });

  it('preserves the keys of other tools in config.json', async () => {
    const others = {
      mcpServers: { github: { command: 'docker', args: ['run', 'github-mcp'] } },
      theme: 'dark',
      telemetry: false,
    };
    await writeFile(configFile(), JSON.stringify(others, null, 2));
    const store = new PersonaStore({ home, now });

    await store.activate(identity('backend'));
    expect(await store.read()).toMatchObject(others);
    await store.activate(null);
    expect(await store.read()).toEqual({ ...others, personaHistory: expect.any(Array) });
  });

  describe('a corrupt config.json', () => {
    it.each([
      ['a trailing comma', '{\n  "theme": "dark",\n  "mcpServers": {},\n}\n', 4],
      ['a cut-off file', '{\n  "theme": "dark",\n  "personaHistory": [\n', 3],
      ['a bad literal', '{\n  "theme": "dark",\n  "telemetry": tru\n}\n', 3],
      ['not JSON at all', 'theme = "dark"\n', 1],
      ['a list, not an object', '[\n  "backend"\n]\n', 1],
      [
        'an activePersona that is a string',
        '{\n  "theme": "dark",\n  "activePersona": "backend"\n}\n',
        3,
      ],
      [
        'an activePersona without since',
        '{\n  "activePersona": {\n    "name": "backend"\n  },\n  "personaHistory": []\n}\n',
        2,
      ],
      [
        'a personaHistory that is not a list',
        '{\n  "activePersona": null,\n  "personaHistory": {}\n}\n',
        3,
      ],
    ])(
      'with %s raises ConfigCorruptError with file and line, and is left as it is',
      async (_, text, line) => {
        await writeFile(configFile(), text);
        const store = new PersonaStore({ home, now });

        const error = await corruptError(store.read());
        expect(error.file).toBe(configFile());
        expect(error.line).toBe(line);
        expect(error.message).toContain(`${configFile()}:${line}:`);
        await corruptError(store.active());

        const before = await readFile(configFile());
        await corruptError(store.activate(identity('backend')));
        await corruptError(store.activate(null)); // the lock was released after the failure
        expect(await readFile(configFile())).toEqual(before);
        expect(await readdir(home)).toEqual([CONFIG_FILE]);
      },
    );
  });

  it('refuses a config.json that is a FIFO at once, instead of waiting for a writer', async () => {
    execFileSync('mkfifo', [configFile()]);
    const store = new PersonaStore({ home, now });
    const error = await corruptError(store.read());
    expect(error.message).toContain('it is a FIFO (named pipe), not a regular file');
  });

  it('reset() moves a corrupt file to a .bak-* backup and writes a fresh one', async () => {
    const corrupt = Buffer.from('{ "activePersona": "half a fi');
    await writeFile(configFile(), corrupt);
    const store = new PersonaStore({ home, now });

    const { backup } = await store.reset();

    expect(backup).toBe(join(home, 'config.json.bak-2025-03-01T09-00-00-000Z'));
    expect(await readFile(backup as string)).toEqual(corrupt);
    expect(await store.read()).toEqual({ personaHistory: [] });
    await store.activate(identity('backend'));
    expect((await store.active())?.name).toBe('backend');
    expect((await readdir(home)).sort()).toEqual([
      CONFIG_FILE,
      'config.json.bak-2025-03-01T09-00-00-000Z',
    ]);
  });

  it('reset() without a file writes a fresh one and reports no backup', async () => {
    const store = new PersonaStore({ home: join(home, 'new'), now });
    expect(await store.reset()).toEqual({});
    expect(await store.read()).toEqual({ personaHistory: [] });
  });

  describe('watch()', () => {
    /** The next value the store's watcher reports, and a function that stops it. */
    function nextChange(store: PersonaStore) {
      let stop = () => {};
      const change = new Promise<ActivePersona | undefined>((resolve, reject) => {
        stop = store.watch(resolve, reject);
      });
      return { change, stop };
    }

    it('fires when another store instance switches, until disposed', async () => {
      const watcher = new PersonaStore({ home });
      const other = new PersonaStore({ home, now });
      await other.activate(identity('backend'));

      const seen: (string | undefined)[] = [];
      let notify = () => {};
      const stop = watcher.watch((active) => {
        seen.push(active?.name);
        notify();
      });
      const seenNext = new Promise<void>((resolve) => {
        notify = resolve;
      });
      clock += 1000;
      await other.activate(identity('frontend'));
      await seenNext;
      expect(seen).toEqual(['frontend']);

      stop(); // from here on, `seen` must not grow
      const live = nextChange(watcher);
      clock += 1000;
      await other.activate(identity('testing'));
      // A live watcher saw the switch, so the stopped one would have by now.
      expect((await live.change)?.name).toBe('testing');
      live.stop();
      expect(seen).toEqual(['frontend']);
    });

    it('reports a clearing as undefined', async () => {
      const other = new PersonaStore({ home, now });
      await other.activate(identity('backend'));
      const { change, stop } = nextChange(new PersonaStore({ home }));
      await other.activate(null);
      expect(await change).toBeUndefined();
      stop();
    });

    it('sees a switch made right after it starts', async () => {
      await new PersonaStore({ home, now }).activate(identity('backend'));
      const { change, stop } = nextChange(new PersonaStore({ home }));
      // Written synchronously, before the watcher could read the file on its own.
      const active = { ...identity('frontend'), since: new Date(T0 + 1).toISOString() };
      writeFileSync(configFile(), JSON.stringify({ activePersona: active }));
      expect(await change).toEqual(active);
      stop();
    });

    it('works when the folder does not exist yet', async () => {
      const fresh = join(home, 'not-yet');
      const { change, stop } = nextChange(new PersonaStore({ home: fresh }));
      await new PersonaStore({ home: fresh, now }).activate(identity('devops'));
      expect((await change)?.name).toBe('devops');
      stop();
    });
  });

  it('records the switch counter and the time spent in the previous persona', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    try {
      const store = new PersonaStore({ home, now });
      await store.activate(identity('backend'));
      clock += 4_000;
      await store.activate(identity('frontend'));

      const { resourceMetrics } = await reader.collect();
      const found = resourceMetrics.scopeMetrics
        .filter((s) => s.scope.name === '@tta-dev/personas')
        .flatMap((s) => s.metrics);
      const switches = found.find((m) => m.descriptor.name === 'tta.persona.switches');
      expect(switches?.dataPoints.map((d) => [d.attributes, d.value])).toEqual([
        [{ 'tta.persona.from': 'none', 'tta.persona.to': 'backend' }, 1],
        [{ 'tta.persona.from': 'backend', 'tta.persona.to': 'frontend' }, 1],
      ]);
      const duration = found.find((m) => m.descriptor.name === 'tta.persona.active_duration');
      expect(duration?.descriptor.unit).toBe('s');
      expect(duration?.dataPoints).toEqual([
        expect.objectContaining({
          attributes: { 'tta.persona': 'backend' },
          value: expect.objectContaining({ count: 1, sum: 4 }),
        }),
      ]);
    } finally {
      metrics.disable();
      await reader.shutdown();
    }
  });

  it('serialises concurrent switches within one process', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `p${i}`);
    await Promise.all(names.map((name) => new PersonaStore({ home }).activate(identity(name))));
    const history = await new PersonaStore({ home }).history();
    expect(history.map((s) => s.to).sort()).toEqual([...names].sort());
    expect(history.map((s) => s.from)).toEqual([null, ...history.slice(0, -1).map((s) => s.to)]);
  });

  it('loses no switch when many processes switch at once, and readers never see half a file', async () => {
    const storeModule = new URL('../../dist/store/index.js', import.meta.url);
    if (!existsSync(storeModule)) {
      throw new Error(`${fileURLToPath(storeModule)} is missing: build the package first`);
    }
    const PROCESSES = 12;
    const SWITCHES = 5;
    const LIMIT = 100; // above PROCESSES * SWITCHES, so every switch stays in the history
    const script = join(home, 'switcher.mjs');
    await writeFile(
      script,
      `const { PersonaStore } = await import(${JSON.stringify(storeModule.href)});
const [child, count] = process.argv.slice(2);
const store = new PersonaStore({ historyLimit: ${LIMIT} }); // home from TTA_HOME
for (let i = 0; i < Number(count); i++) {
  await store.activate({ name: \`p\${child}-\${i}\`, displayName: 'P', icon: '🧩', source: 'builtin' });
}
`,
    );
    const ttaHome = join(home, 'tta');
    await mkdir(ttaHome);
    const env = { ...process.env, TTA_HOME: ttaHome, HOME: home };

    let done = false;
    const children = Promise.all(
      Array.from({ length: PROCESSES }, (_, child) =>
        run(process.execPath, [script, String(child), String(SWITCHES)], { env }),
      ),
    ).finally(() => {
      done = true;
    });
    // Meanwhile, read as the gateway would: every read must parse.
    const reader = new PersonaStore({ home: ttaHome });
    let reads = 0;
    while (!done) {
      await reader.read();
      reads++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await children;
    expect(reads).toBeGreaterThan(0);

    const written = Array.from({ length: PROCESSES }, (_, child) =>
      Array.from({ length: SWITCHES }, (_, i) => `p${child}-${i}`),
    );
    const config = JSON.parse(await readFile(join(ttaHome, CONFIG_FILE), 'utf8'));
    const history = config.personaHistory as { from: string | null; to: string }[];

    expect(history).toHaveLength(PROCESSES * SWITCHES);
    expect(history.map((s) => s.to).sort()).toEqual(written.flat().sort());
    expect(written.flat()).toContain(config.activePersona.name);
    expect(config.activePersona.name).toBe(history.at(-1)?.to);
    // Each switch started from the one before it: none was applied to a stale read.
    expect(history.map((s) => s.from)).toEqual([null, ...history.slice(0, -1).map((s) => s.to)]);
    // Each process's switches are in the order it made them.
    for (const names of written) {
      const order = names.map((name) => history.findIndex((s) => s.to === name));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    // No lock or temporary file is left behind.
    expect(await readdir(ttaHome)).toEqual([CONFIG_FILE]);
  }, 300_000);
});
