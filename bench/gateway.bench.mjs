#!/usr/bin/env node
// Benchmark of the MCP persona gateway of @tta-dev/integrations, with real SDK clients and real
// downstream servers (the project's fixture server, over stdio), in one process:
//
//   1. proxy   what a proxied tools/call adds over calling the same server directly: a Client
//              straight to the fixture server over stdio, against a Client to the gateway
//              in-process (InMemoryTransport) and to a spawned `tta mcp serve` over stdio (the
//              realistic case), both proxying to the same fixture server over stdio;
//   2. list    tools/list through the gateway with 1,000 downstream tools (fixture mode `many`);
//   3. switch  time from a persona switch (PersonaStore.activate from another store instance, as
//              `tta-persona` does) to notifications/tools/list_changed reaching two sessions;
//   4. startup time from spawning `tta mcp serve` to its answer to initialize, with one server
//              that takes 10 s to start (fixture mode `slow`) against none: the gateway must not
//              wait for its servers. Also the time from SIGTERM to exit while that server starts.
//
//   pnpm bench                                  full run (~30 s), writes bench/results/gateway.json
//   node bench/gateway.bench.mjs --quick        smoke run (~12 s), writes no file unless --out
//   node bench/gateway.bench.mjs --out FILE     write the JSON results to FILE
//   node bench/gateway.bench.mjs --rounds N --calls N --switches N   override the run settings
//   node bench/gateway.bench.mjs --profile DIR  also write CPU profiles of the spawned gateway
//                                               (node --cpu-prof) to DIR
//
// Method (see docs/benchmarks.md): every request is timed on its own with performance.now()
// around the awaited SDK call, so a figure is what a client sees. Targets of the same phase run
// in rounds, each round `calls` requests per target back to back, the order of the targets
// rotated every round, so that the machine's slow and fast periods (seconds long) fall on every
// target alike. p50 and p99 are over all samples of a target, after a warm-up; added latency is
// gateway − direct of those quantiles, and, paired, the median over rounds of the per-round
// difference of medians.
//
// The process exits 0 whether or not the targets are met: a benchmark reports, it does not gate.
// It exits 1 only when the harness itself is broken (a call fails or answers wrongly, a gateway
// does not come up, a notification never arrives).

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  JSONRPCMessageSchema,
  ListToolsRequestSchema,
  ListToolsResultSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import {
  createGatewayServer,
  loadMcpServers,
  PersonaGateway,
  serveHttp,
} from '@tta-dev/integrations';
import { PersonaRegistry, PersonaStore } from '@tta-dev/personas';
import { countToolTokens } from '@tta-dev/personas/tokens';

/** Closers run at the end, last first. */
const cleanup = [];
/** Processes spawned here without a stdin pipe: killed by `fail`, since they would outlive us. */
const children = new Set();

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_OUT = path.join(ROOT, 'bench', 'results', 'gateway.json');
const TTA = path.join(ROOT, 'packages/cli/dist/bin/tta.js');
const TTA_PERSONA = path.join(ROOT, 'packages/cli/dist/bin/tta-persona.js');
const requireFromIntegrations = createRequire(
  fileURLToPath(import.meta.resolve('@tta-dev/integrations')),
);
const INTEGRATIONS_DIR = path.dirname(
  requireFromIntegrations.resolve('@tta-dev/integrations/package.json'),
);
const FIXTURE = path.join(INTEGRATIONS_DIR, 'src/mcp/fixtures/fixtureServer.mjs');
/** The bearer token of the gateway's HTTP sessions, in-process and spawned. */
const HTTP_TOKEN = 'bench-gateway-http-token';

// ---------------------------------------------------------------------------------------------
// Settings

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    out: { type: 'string' },
    rounds: { type: 'string' },
    calls: { type: 'string' },
    'list-rounds': { type: 'string' },
    'list-calls': { type: 'string' },
    tools: { type: 'string' },
    switches: { type: 'string' },
    profile: { type: 'string' },
    spawns: { type: 'string' },
  },
});
const QUICK = args.quick === true;
const SETTINGS = {
  quick: QUICK,
  proxy: {
    /** Rounds of the proxied-call phase; each runs `calls` calls per target. */
    rounds: numberArg(args.rounds, QUICK ? 2 : 20),
    calls: numberArg(args.calls, QUICK ? 25 : 100),
    /** Untimed calls per target before the first round. */
    warmup: QUICK ? 20 : 300,
    tool: 'echo',
    arguments: { message: 'ping' },
  },
  list: {
    /** Downstream tools of the `many` fixture server. */
    tools: numberArg(args.tools, 1000),
    rounds: numberArg(args['list-rounds'], QUICK ? 2 : 10),
    calls: numberArg(args['list-calls'], QUICK ? 5 : 30),
    warmup: QUICK ? 3 : 30,
    /** The fixture server asked directly (reference only: slow, see the doc). */
    directCalls: QUICK ? 2 : 10,
    /** Where the time goes: each step of a list (gateway methods, JSON, schemas) timed alone. */
    methodCalls: QUICK ? 20 : 300,
    /** The gateways' tools/list page size: above the list, so that one request lists it all. */
    pageSize: 5000,
  },
  switch: {
    /** Switches between two personas that share their server (tool list changes only). */
    switches: numberArg(args.switches, QUICK ? 4 : 20),
    /** Switches between personas with different servers (one stopped, one started). */
    serverSwitches: QUICK ? 2 : 8,
    /** Untimed switches first (loads the store's lazy imports, warms the paths). */
    warmup: QUICK ? 1 : 2,
    /** Pause after every switch, so that follow-up work does not overlap the next one. */
    settleMs: 100,
  },
  startup: {
    /** Spawns per target (a slow server, no server), alternating. */
    spawns: numberArg(args.spawns, QUICK ? 2 : 8),
    /** How long the slow server takes to answer initialize. */
    slowServerMs: 10_000,
  },
};
const OUT = typeof args.out === 'string' ? path.resolve(args.out) : QUICK ? undefined : DEFAULT_OUT;
const PROFILE_DIR = typeof args.profile === 'string' ? path.resolve(args.profile) : undefined;

/**
 * The floor of tools/list over stdio: the SDK's Server answering a ready-made list, as a process
 * of its own (`node -e`, run in ROOT so that it loads the same SDK build as everything else).
 */
const FLOOR_SERVER = `
import { readFileSync } from 'node:fs';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
const tools = JSON.parse(readFileSync(process.argv[1], 'utf8'));
const server = new Server({ name: 'floor', version: '1.0.0' }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
await server.connect(new StdioServerTransport());
`;

const TARGETS = {
  proxyAddedP50Ms: 0.5,
  listP50Ms: 5,
  startupP50Ms: 300,
};

// ---------------------------------------------------------------------------------------------
// Run

const started = performance.now();
log(
  `MCP gateway benchmark${QUICK ? ' (quick)' : ''}: Node ${process.version}, ` +
    `${os.cpus()[0]?.model ?? 'unknown CPU'} ×${os.cpus().length}`,
);
for (const file of [TTA, TTA_PERSONA, FIXTURE])
  if (!fs.existsSync(file)) fail(`${file} is missing: build first (pnpm bench builds)`);

let results;
try {
  const proxyAndList = await runProxyAndList();
  const switching = await runSwitches();
  const startup = await runStartup();
  results = buildResults({ ...proxyAndList, switching, startup });
} finally {
  for (const close of cleanup.reverse()) await close().catch(() => undefined);
}
printTables(results);
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
// Phases 1 and 2: proxied calls, then tools/list with 1,000 downstream tools

async function runProxyAndList() {
  const home = tempHome('tta-bench-gateway-');
  const N = SETTINGS.list.tools;
  // `call` proxies to the `tools` fixture; `list` to the `many` one. Both gateways follow the
  // switch from the one to the other, made with tta-persona as a user would.
  writePersona(home, { name: 'bench-call', allowedServers: ['fx'] });
  writePersona(home, { name: 'bench-list', allowedServers: ['many'] });
  const config = path.join(home, 'bench_servers.json');
  writeJson(config, {
    mcpServers: {
      fx: { command: process.execPath, args: [FIXTURE, 'tools'] },
      many: { command: process.execPath, args: [FIXTURE, 'many', String(N)] },
    },
  });
  ttaPersona(home, 'bench-call');

  // The direct client: straight to the same fixture server over stdio.
  const direct = await connectStdio('direct', process.execPath, [FIXTURE, 'tools']);

  // The in-process gateway: the same code `tta mcp serve` runs, a Client over InMemoryTransport.
  const gateway = await startGateway(home, config);
  const inProcess = await connectInMemory('in-process', gateway);

  // The realistic case: a spawned `tta mcp serve` over stdio.
  const spawned = await connectStdio(
    'spawned',
    process.execPath,
    [
      ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []),
      TTA,
      'mcp',
      'serve',
      '--config',
      config,
      '--page-size',
      String(SETTINGS.list.pageSize),
    ],
    { TTA_HOME: home },
  );

  // --- 1. proxied tools/call
  const { tool, arguments: callArgs } = SETTINGS.proxy;
  const expected = callArgs.message;
  const calls = {
    direct: () => direct.client.callTool({ name: tool, arguments: callArgs }),
    inProcess: () => inProcess.client.callTool({ name: `fx__${tool}`, arguments: callArgs }),
    spawned: () => spawned.client.callTool({ name: `fx__${tool}`, arguments: callArgs }),
  };
  const checkCall = (id) => (result) => {
    if (result.isError || result.content?.[0]?.text !== expected)
      fail(`${id}: tools/call answered ${JSON.stringify(result)}, expected "${expected}"`);
  };
  log(`1. proxied tools/call: warm-up (${SETTINGS.proxy.warmup} calls per target)`);
  for (const [id, call] of Object.entries(calls))
    for (let i = 0; i < SETTINGS.proxy.warmup; i++) checkCall(id)(await call());
  const proxy = await runRounds(calls, SETTINGS.proxy.rounds, SETTINGS.proxy.calls, {
    label: '1. proxied tools/call',
    check: checkCall,
  });

  // --- 2. tools/list with N downstream tools
  log(`2. tools/list: switching both gateways to a persona with ${N} downstream tools`);
  // The gateway's own tools (persona_*, memory_*) are listed whatever the persona.
  const ownTools = (await inProcess.client.listTools()).tools.filter((t) => !t.name.includes('__'));
  const expectedTools = N + ownTools.length;
  const listBefore = performance.now();
  ttaPersona(home, 'bench-list');
  await Promise.all(
    [inProcess, spawned].map((s) =>
      waitFor(
        async () => (await s.client.listTools()).tools.length === expectedTools,
        `${s.label} gateway to list ${expectedTools} tools`,
      ),
    ),
  );
  const listReadyMs = performance.now() - listBefore;
  const checkList = (id) => (result) => {
    if (result.tools.length !== expectedTools)
      fail(`${id}: tools/list gave ${result.tools.length} tools, expected ${expectedTools}`);
  };
  // The floor: the SDK's own Server answering a ready-made copy of the same list, with nothing
  // else to do, in-process and as a process of its own over stdio. What a client spends receiving
  // and validating 1,000 tools is in the floor too; the gateway's share is what lies above it.
  const listFile = path.join(home, 'tools.json');
  writeJson(listFile, gateway.listTools());
  const floorInProcess = await connectFloorInMemory(JSON.parse(fs.readFileSync(listFile, 'utf8')));
  const floorStdio = await connectStdio(
    'floor stdio',
    process.execPath,
    ['--input-type=module', '-e', FLOOR_SERVER, listFile],
    {},
    ROOT,
  );
  const lists = {
    inProcess: () => inProcess.client.listTools(),
    spawned: () => spawned.client.listTools(),
    floorInProcess: () => floorInProcess.client.listTools(),
    floorStdio: () => floorStdio.client.listTools(),
  };
  log(`2. tools/list: warm-up (${SETTINGS.list.warmup} calls per target)`);
  for (const [id, list] of Object.entries(lists))
    for (let i = 0; i < SETTINGS.list.warmup; i++) checkList(id)(await list());
  const list = await runRounds(lists, SETTINGS.list.rounds, SETTINGS.list.calls, {
    label: '2. tools/list',
    check: checkList,
  });

  // Where the time goes, timed one by one in this process: the gateway's own work, and the
  // steps of the SDK's path that every server and client pay for a list this size (the floor).
  const tools = gateway.listTools();
  const response = { jsonrpc: '2.0', id: 1, result: { tools } };
  const line = JSON.stringify(response);
  const parsed = JSON.parse(line);
  const payloadBytes = Buffer.byteLength(line);
  const { methodCalls } = SETTINGS.list;
  const steps = {
    listTools: [methodCalls, () => gateway.listTools().length],
    listToolsForClient: [methodCalls, () => gateway.listToolsForClient().length],
    // Paid once per change of the list since the list is kept; before, at every tools/list.
    countToolTokens: [QUICK ? 3 : 10, () => (countToolTokens(tools) > 0 ? tools.length : 0)],
    // stdio server: serializeMessage (JSON.stringify of the whole message).
    serialize: [
      methodCalls,
      () => (JSON.stringify(response).length === line.length ? tools.length : 0),
    ],
    // stdio client: deserializeMessage = JSON.parse, then JSONRPCMessageSchema.parse.
    jsonParse: [methodCalls, () => JSON.parse(line).result.tools.length],
    jsonRpcMessageSchema: [
      methodCalls,
      () => JSONRPCMessageSchema.parse(parsed).result.tools.length,
    ],
    // Any client: Protocol.request validates the result with the method's schema.
    listToolsResultSchema: [
      methodCalls,
      () => ListToolsResultSchema.parse(parsed.result).tools.length,
    ],
  };
  const listMethods = {};
  for (const [id, [count, step]] of Object.entries(steps)) {
    for (let i = 0; i < Math.min(10, count); i++) step();
    const samples = [];
    for (let i = 0; i < count; i++) {
      const t = performance.now();
      const n = step();
      samples.push(performance.now() - t);
      if (n !== expectedTools) fail(`${id}: ${n} tools, expected ${expectedTools}`);
    }
    listMethods[id] = summary(samples);
  }

  // Reference: the fixture server asked directly (its SDK converts every zod schema at each list).
  log(`2. tools/list: the fixture server directly (${SETTINGS.list.directCalls} calls)`);
  const many = await connectStdio('direct many', process.execPath, [FIXTURE, 'many', String(N)]);
  const directSamples = [];
  if ((await many.client.listTools()).tools.length !== N) fail(`direct many: not ${N} tools`);
  for (let i = 0; i < SETTINGS.list.directCalls; i++) {
    const t = performance.now();
    const result = await many.client.listTools();
    directSamples.push(performance.now() - t);
    if (result.tools.length !== N) fail(`direct many: ${result.tools.length} tools, expected ${N}`);
  }
  await many.close();

  return {
    proxy,
    list: {
      ...list,
      downstreamTools: N,
      toolsListed: expectedTools,
      responseBytes: payloadBytes,
      readyAfterSwitchMs: round(listReadyMs, 0),
      methods: listMethods,
      direct: summary(directSamples),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Phase 3: persona switch → list_changed in two sessions

async function runSwitches() {
  const home = tempHome('tta-bench-switch-');
  // wide ↔ narrow: same server, another tool list (the gateway only re-lists and notifies).
  // narrow ↔ other: another server (the gateway stops one and starts the other, then notifies).
  writePersona(home, { name: 'wide', allowedServers: ['fx'] });
  writePersona(home, { name: 'narrow', allowedServers: ['fx'], allowedTools: { fx: ['echo'] } });
  writePersona(home, { name: 'other', allowedServers: ['fx2'] });
  const config = path.join(home, 'bench_servers.json');
  writeJson(config, {
    mcpServers: {
      fx: { command: process.execPath, args: [FIXTURE, 'tools'] },
      fx2: { command: process.execPath, args: [FIXTURE, 'tools'] },
    },
  });
  ttaPersona(home, 'wide');
  // The switcher: another store instance over the same folder, as the tta-persona process has.
  const switcher = new PersonaStore({ home });

  // (a) In-process gateway: two InMemory sessions and two HTTP sessions (serveHttp).
  const gateway = await startGateway(home, config);
  const memory = [
    await connectInMemory('in-memory 1', gateway),
    await connectInMemory('in-memory 2', gateway),
  ];
  const http = await serveHttp(gateway, { token: HTTP_TOKEN });
  cleanup.push(() => http.close());
  const httpSessions = [
    await connectHttp('HTTP 1', http.url),
    await connectHttp('HTTP 2', http.url),
  ];
  const inProcess = await switchSeries(switcher, [...memory, ...httpSessions], {
    label: '3. switch, in-process gateway',
    pairs: { memory: [0, 1], http: [2, 3] },
    check: memory[0],
  });
  for (const s of [...memory, ...httpSessions]) await s.close();
  await http.close();
  await gateway.close();

  // (b) A spawned `tta mcp serve --http`, two HTTP sessions: the switch crosses processes.
  await switcher.activate(identity('wide'));
  const served = await spawnHttpGateway(home, config);
  const spawnedSessions = [
    await connectHttp('spawned HTTP 1', served.url),
    await connectHttp('spawned HTTP 2', served.url),
  ];
  const spawned = await switchSeries(switcher, spawnedSessions, {
    label: '3. switch, spawned tta mcp serve --http',
    pairs: { http: [0, 1] },
    check: spawnedSessions[0],
  });
  for (const s of spawnedSessions) await s.close();
  await served.close();

  return { inProcess, spawned };
}

/**
 * Switches back and forth and times, from just before `activate`, the arrival of the first
 * list_changed at each session. Then the same with switches that change the server set.
 */
async function switchSeries(switcher, sessions, { label, pairs, check }) {
  const series = async (names, count, warmup, expectTool) => {
    const rows = [];
    for (let i = 0; i < warmup + count; i++) {
      const name = names[(i + 1) % 2];
      const arrivals = sessions.map((s) => s.nextListChanged());
      const t0 = performance.now();
      await switcher.activate(identity(name));
      const activated = performance.now() - t0;
      const at = await withTimeout(Promise.all(arrivals), 15_000, `${label}: list_changed`);
      const perSession = at.map((t) => t - t0);
      // Harness check, outside the timed region: the session comes to see the new persona's
      // tools (a server that must start announces its tools with a later list_changed).
      const shows = async () =>
        (await check.client.listTools()).tools.some((t) => t.name === expectTool) ===
        (name === names[0]);
      await waitFor(shows, `${label}: the tools of ${name} after the switch`);
      await sleep(SETTINGS.switch.settleMs);
      if (i >= warmup) rows.push({ to: name, activateMs: activated, perSession });
    }
    return rows;
  };
  log(`${label}: ${SETTINGS.switch.switches} switches wide ↔ narrow`);
  // Active: wide. The first switch goes to narrow.
  const sameServer = await series(
    ['wide', 'narrow'],
    SETTINGS.switch.switches,
    SETTINGS.switch.warmup,
    'fx__env_report',
  );
  log(`${label}: ${SETTINGS.switch.serverSwitches} switches narrow ↔ other (server restart)`);
  // Active: wide. Go to `narrow` untimed, then alternate other ↔ narrow (fx__echo only in narrow).
  await switcher.activate(identity('narrow'));
  await sleep(300);
  for (const s of sessions) s.drain();
  const serverChange = await series(
    ['narrow', 'other'],
    SETTINGS.switch.serverSwitches,
    0,
    'fx__echo',
  );
  return {
    sessions: sessions.map((s) => s.label),
    sameServer: switchFigures(sameServer, pairs),
    serverChange: switchFigures(serverChange, pairs),
  };
}

function switchFigures(rows, pairs) {
  const out = {
    switches: rows.length,
    activateMs: summary(rows.map((r) => r.activateMs)),
    perSession: rows[0]?.perSession.map((_, i) => summary(rows.map((r) => r.perSession[i]))),
  };
  for (const [kind, [a, b]] of Object.entries(pairs)) {
    // The switch has reached both sessions when the later of the two notifications arrives.
    out[kind] = summary(rows.map((r) => Math.max(r.perSession[a], r.perSession[b])));
    // The part after activate() resolved: the watcher's read, apply, the sends.
    out[`${kind}AfterActivate`] = summary(
      rows.map((r) => Math.max(r.perSession[a], r.perSession[b]) - r.activateMs),
    );
  }
  out.rawMs = rows.map((r) => ({
    to: r.to,
    activateMs: round(r.activateMs, 2),
    perSessionMs: r.perSession.map((v) => round(v, 2)),
  }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Phase 4: spawn → initialize answered, with a server that takes 10 s to start

async function runStartup() {
  const home = tempHome('tta-bench-startup-');
  writePersona(home, { name: 'slow-start', allowedServers: ['slow'] });
  writePersona(home, { name: 'no-server', allowedServers: [] });
  const config = path.join(home, 'bench_servers.json');
  const { slowServerMs, spawns } = SETTINGS.startup;
  writeJson(config, {
    mcpServers: {
      slow: { command: process.execPath, args: [FIXTURE, 'slow', String(slowServerMs)] },
    },
  });
  const samples = { slowServer: [], noServer: [], sdkServer: [], stopWhileStarting: [] };
  log(`4. startup: ${spawns} spawns per target (one server taking ${slowServerMs / 1000} s, none)`);
  for (let i = 0; i < spawns; i++) {
    const order = [
      ['slowServer', 'slow-start'],
      ['noServer', 'no-server'],
      ['sdkServer', undefined],
    ];
    for (const [id, persona] of order.map((_, k) => order[(k + i) % order.length])) {
      // The anchor: one MCP server of the SDK alone (the fixture), answering initialize itself.
      const argv =
        persona === undefined
          ? [FIXTURE, 'tools']
          : [TTA, 'mcp', 'serve', '--config', config, '--persona', persona];
      const { initializeMs, stopMs } = await spawnToInitialize(
        home,
        argv,
        persona === undefined ? 'fixture-tools' : 'tta-persona-gateway',
      );
      samples[id].push(initializeMs);
      if (id === 'slowServer') samples.stopWhileStarting.push(stopMs);
    }
  }
  return samples;
}

/**
 * Spawns `node argv…` (`tta mcp serve`, or the anchor server), writes initialize to its stdin and
 * times the answer on its stdout (raw JSON-RPC, no SDK); then times SIGTERM to exit.
 */
async function spawnToInitialize(home, argv, serverName) {
  const t0 = performance.now();
  const child = spawn(process.execPath, argv, {
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', TTA_HOME: home },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stdin.write(
    `${JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'bench-startup', version: '1.0.0' },
      },
    })}\n`,
  );
  const answer = await withTimeout(
    new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.includes('"id":1'));
        if (line !== undefined) resolve(JSON.parse(line));
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}\n${stderr}`)));
    }),
    30_000,
    'initialize to be answered',
  ).catch((error) => fail(`${argv.join(' ')}: ${error.message}`));
  const initializeMs = performance.now() - t0;
  if (answer.result?.serverInfo?.name !== serverName)
    fail(`initialize answered ${JSON.stringify(answer)}`);
  const t1 = performance.now();
  child.kill('SIGTERM');
  await withTimeout(exited, 10_000, 'tta mcp serve to exit on SIGTERM').catch((error) =>
    fail(error.message),
  );
  children.delete(child);
  return { initializeMs, stopMs: performance.now() - t1 };
}

// ---------------------------------------------------------------------------------------------
// Rounds

/**
 * Runs `rounds` rounds; in each, `perRound` timed calls of every target back to back, the order
 * of the targets rotated by one every round. Returns the samples and figures of every target.
 */
async function runRounds(targets, rounds, perRound, { label, check }) {
  const ids = Object.keys(targets);
  const samples = Object.fromEntries(ids.map((id) => [id, []]));
  const roundMedians = Object.fromEntries(ids.map((id) => [id, []]));
  for (let r = 0; r < rounds; r++) {
    if (r % 5 === 0 || r === rounds - 1) log(`${label}: round ${r + 1}/${rounds}`);
    const order = ids.map((_, i) => ids[(i + r) % ids.length]);
    for (const id of order) {
      const call = targets[id];
      const verify = check(id);
      const times = [];
      for (let i = 0; i < perRound; i++) {
        const t = performance.now();
        const result = await call();
        times.push(performance.now() - t);
        verify(result);
      }
      samples[id].push(...times);
      roundMedians[id].push(quantile(times, 0.5));
    }
  }
  return { samples, roundMedians };
}

// ---------------------------------------------------------------------------------------------
// Results

function buildResults({ proxy, list, switching, startup }) {
  const fig = (samples, rounds) => ({ ...summary(samples), roundMediansMs: rounds.map(r3) });
  const direct = fig(proxy.samples.direct, proxy.roundMedians.direct);
  const added = (id) => {
    const gw = fig(proxy.samples[id], proxy.roundMedians[id]);
    const paired = proxy.roundMedians[id].map((m, i) => m - proxy.roundMedians.direct[i]);
    return {
      ...gw,
      addedP50Ms: r3(gw.p50Ms - direct.p50Ms),
      addedP99Ms: r3(gw.p99Ms - direct.p99Ms),
      addedPairedMedianMs: r3(quantile(paired, 0.5)),
      roundAddedMs: paired.map(r3),
    };
  };
  const inProcess = added('inProcess');
  const spawned = added('spawned');
  const overFloor = (id, floorId) => {
    const gw = fig(list.samples[id], list.roundMedians[id]);
    const floor = list.samples[floorId];
    const paired = list.roundMedians[id].map((m, i) => m - list.roundMedians[floorId][i]);
    return {
      ...gw,
      aboveFloorP50Ms: r3(gw.p50Ms - quantile(floor, 0.5)),
      aboveFloorP99Ms: r3(gw.p99Ms - quantile(floor, 0.99)),
      aboveFloorPairedMedianMs: r3(quantile(paired, 0.5)),
    };
  };
  const listIn = overFloor('inProcess', 'floorInProcess');
  const listSpawned = overFloor('spawned', 'floorStdio');
  const slowServer = summary(startup.slowServer);
  const noServer = summary(startup.noServer);
  const sdkServer = summary(startup.sdkServer);

  const targets = [
    {
      id: 'proxy.stdio.addedP50',
      description: `proxied tools/call over stdio (spawned tta mcp serve) adds < ${TARGETS.proxyAddedP50Ms} ms at p50 over a direct stdio call`,
      valueMs: spawned.addedP50Ms,
      met: spawned.addedP50Ms < TARGETS.proxyAddedP50Ms,
    },
    {
      id: 'proxy.inProcess.addedP50',
      description: `proxied tools/call through the in-process gateway adds < ${TARGETS.proxyAddedP50Ms} ms at p50 (informative: no second stdio hop)`,
      valueMs: inProcess.addedP50Ms,
      met: inProcess.addedP50Ms < TARGETS.proxyAddedP50Ms,
    },
    {
      id: 'list.stdio.p50',
      description: `tools/list with ${list.downstreamTools} downstream tools, spawned tta mcp serve over stdio: p50 < ${TARGETS.listP50Ms} ms`,
      valueMs: listSpawned.p50Ms,
      met: listSpawned.p50Ms < TARGETS.listP50Ms,
    },
    {
      id: 'list.inProcess.p50',
      description: `tools/list with ${list.downstreamTools} downstream tools, in-process gateway: p50 < ${TARGETS.listP50Ms} ms`,
      valueMs: listIn.p50Ms,
      met: listIn.p50Ms < TARGETS.listP50Ms,
    },
    {
      id: 'startup.slowServer.initializeP50',
      description: `spawn of tta mcp serve to initialize answered, one server taking ${SETTINGS.startup.slowServerMs / 1000} s to start: p50 < ${TARGETS.startupP50Ms} ms`,
      valueMs: slowServer.p50Ms,
      met: slowServer.p50Ms < TARGETS.startupP50Ms,
    },
  ];

  return {
    benchmark:
      '@tta-dev/integrations MCP persona gateway: proxied calls, tools/list, persona switch, startup',
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: { model: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length },
    loadAverageAtEnd: os.loadavg().map((v) => round(v, 2)),
    versions: {
      '@modelcontextprotocol/sdk': packageVersion(
        '@modelcontextprotocol/sdk',
        undefined,
        '@modelcontextprotocol/sdk/client/index.js',
      ),
      zod: packageVersion('zod'),
      '@tta-dev/integrations': packageVersion('@tta-dev/integrations'),
      '@tta-dev/personas': packageVersion('@tta-dev/personas'),
      '@tta-dev/cli': packageVersion('@tta-dev/cli', path.join(ROOT, 'packages/cli')),
    },
    settings: {
      ...SETTINGS,
      clock: 'performance.now() around each awaited SDK request (client-side wall time)',
      statistic:
        'p50/p99: quantiles (linear interpolation) of all timed samples of a target; ' +
        'added = gateway − direct of the same quantile; addedPairedMedianMs = median over rounds of (gateway round median − direct round median)',
      downstream: `the fixture server ${path.relative(ROOT, FIXTURE)} over stdio (modes tools and many)`,
      gatewayInProcess:
        'PersonaGateway.start({ servers: loadMcpServers(...), registry, store, toolsPageSize: 5000 }) + ready() + createGatewayServer, Client over InMemoryTransport',
      gatewaySpawned:
        'node packages/cli/dist/bin/tta.js mcp serve --config <file> --page-size 5000, Client over StdioClientTransport',
    },
    proxy: {
      call: `tools/call ${SETTINGS.proxy.tool} ${JSON.stringify(SETTINGS.proxy.arguments)}`,
      samplesPerTarget: proxy.samples.direct.length,
      direct,
      inProcess,
      spawned,
    },
    list: {
      downstreamTools: list.downstreamTools,
      toolsListed: list.toolsListed,
      responseBytes: list.responseBytes,
      readyAfterSwitchMs: list.readyAfterSwitchMs,
      samplesPerTarget: list.samples.inProcess.length,
      inProcess: listIn,
      spawned: listSpawned,
      floorInProcess: fig(list.samples.floorInProcess, list.roundMedians.floorInProcess),
      floorStdio: fig(list.samples.floorStdio, list.roundMedians.floorStdio),
      floor:
        "the SDK's own Server (same SDK version) answering a ready-made copy of the gateway's list: in-process over InMemoryTransport, and as a node process over stdio",
      gatewayMethods: list.methods,
      directFixture: list.direct,
    },
    switch: {
      watch: 'PersonaStore.watch reads at the first change (no debounce)',
      measuredFrom:
        'just before PersonaStore.activate() of another store instance over the same folder',
      measuredTo:
        'arrival of notifications/tools/list_changed at the client (its notification handler)',
      inProcess: switching.inProcess,
      spawned: switching.spawned,
    },
    startup: {
      measuredFrom: 'spawn() of node packages/cli/dist/bin/tta.js mcp serve --persona P',
      measuredTo: 'its answer to initialize read on stdout (raw JSON-RPC, no SDK client)',
      slowServerMs: SETTINGS.startup.slowServerMs,
      slowServer,
      noServer,
      /** slowServer / noServer at p50: 1 means the slow server costs initialize nothing. */
      ratioP50: r3(slowServer.p50Ms / noServer.p50Ms),
      /** The anchor: the fixture server alone, an MCP server of the SDK, spawned the same way. */
      sdkServer,
      /** slowServer / sdkServer at p50: what the gateway costs over any SDK server's start. */
      ratioToSdkServerP50: r3(slowServer.p50Ms / sdkServer.p50Ms),
      stopWhileStarting: summary(startup.stopWhileStarting),
    },
    targets,
    allTargetsMet: targets.every((t) => t.met),
  };
}

function printTables(r) {
  log('');
  log(`1. Proxied tools/call (${r.proxy.call}), ${r.proxy.samplesPerTarget} calls per target`);
  log(
    renderTable([
      ['target', 'p50 ms', 'p99 ms', 'added p50', 'added p99', 'added (paired)'],
      [
        'direct: client → fixture (stdio)',
        f3(r.proxy.direct.p50Ms),
        f3(r.proxy.direct.p99Ms),
        '—',
        '—',
        '—',
      ],
      ...[
        ['gateway in-process (InMemory → stdio)', r.proxy.inProcess],
        ['gateway spawned (stdio → stdio)', r.proxy.spawned],
      ].map(([label, g]) => [
        label,
        f3(g.p50Ms),
        f3(g.p99Ms),
        signed(g.addedP50Ms),
        signed(g.addedP99Ms),
        signed(g.addedPairedMedianMs),
      ]),
    ]),
  );
  log('');
  log(
    `2. tools/list with ${r.list.downstreamTools} downstream tools (${r.list.toolsListed} listed, ` +
      `${Math.round(r.list.responseBytes / 1024)} KiB), ${r.list.samplesPerTarget} calls per target`,
  );
  const l = r.list;
  const m = l.gatewayMethods;
  const row = (label, f, above = ['—', '—']) => [
    label,
    f3(f.p50Ms),
    f3(f.p99Ms),
    ...above,
    String(f.n),
  ];
  const aboveFloor = (f) => [signed(f.aboveFloorP50Ms), signed(f.aboveFloorPairedMedianMs)];
  log(
    renderTable([
      ['target', 'p50 ms', 'p99 ms', 'above floor p50', 'above floor (paired)', 'samples'],
      row('gateway in-process (InMemory)', l.inProcess, aboveFloor(l.inProcess)),
      row('  floor: SDK Server, ready-made list, InMemory', l.floorInProcess),
      row('gateway spawned (stdio)', l.spawned, aboveFloor(l.spawned)),
      row('  floor: SDK Server, ready-made list, stdio', l.floorStdio),
      row('fixture server directly (reference)', l.directFixture),
    ]),
  );
  log('');
  log('   where the time goes (each step timed alone, in this process)');
  log(
    renderTable([
      ['step', 'p50 ms', 'p99 ms', 'samples'],
      ...[
        ['gateway.listTools() (kept list, copied)', m.listTools],
        ['gateway.listToolsForClient()', m.listToolsForClient],
        ['countToolTokens(list) (once per list change)', m.countToolTokens],
        ['server: JSON.stringify(response)', m.serialize],
        ['stdio client: JSON.parse(line)', m.jsonParse],
        ['stdio client: JSONRPCMessageSchema.parse', m.jsonRpcMessageSchema],
        ['client: ListToolsResultSchema.parse', m.listToolsResultSchema],
      ].map(([label, f]) => [label, f3(f.p50Ms), f3(f.p99Ms), String(f.n)]),
    ]),
  );
  log('');
  log('3. Persona switch → list_changed at both sessions');
  const rows = [
    [
      'gateway, sessions',
      'switch',
      'n',
      'activate() p50',
      'both p50',
      'both min',
      'both max',
      'after activate() p50',
    ],
  ];
  for (const [label, s, kind] of [
    ['in-process, 2 × InMemory', r.switch.inProcess, 'memory'],
    ['in-process, 2 × HTTP', r.switch.inProcess, 'http'],
    ['spawned --http, 2 × HTTP', r.switch.spawned, 'http'],
  ]) {
    for (const [which, f] of [
      ['same server', s.sameServer],
      ['server change', s.serverChange],
    ]) {
      rows.push([
        label,
        which,
        String(f.switches),
        f3(f.activateMs.p50Ms),
        f3(f[kind].p50Ms),
        f3(f[kind].minMs),
        f3(f[kind].maxMs),
        f3(f[`${kind}AfterActivate`].p50Ms),
      ]);
    }
  }
  log(renderTable(rows));
  log('');
  const st = r.startup;
  log(`4. Spawn → initialize answered (${st.slowServer.n} spawns per target)`);
  log(
    renderTable([
      ['target', 'p50 ms', 'min ms', 'max ms'],
      ...[
        [`one server taking ${st.slowServerMs / 1000} s to start`, st.slowServer],
        ['no server', st.noServer],
        ['anchor: an SDK server alone (the fixture)', st.sdkServer],
        ['SIGTERM → exit, that server still starting', st.stopWhileStarting],
      ].map(([label, f]) => [label, f3(f.p50Ms), f3(f.minMs), f3(f.maxMs)]),
    ]),
  );
  log(`   ratio slow server / no server at p50: ${st.ratioP50}`);
  log(`   ratio slow server / an SDK server alone at p50: ${st.ratioToSdkServerP50}`);
  log('');
  const missed = r.targets.filter((t) => !t.met);
  if (missed.length === 0) log(`All ${r.targets.length} targets met.`);
  else {
    log(`TARGETS MISSED: ${missed.length} of ${r.targets.length}`);
    for (const t of missed) log(`  ✗ ${t.description}: measured ${t.valueMs} ms`);
  }
}

// ---------------------------------------------------------------------------------------------
// Clients, gateways, personas

async function startGateway(home, config) {
  const servers = await loadMcpServers({ file: config, cwd: home, home });
  const registry = await PersonaRegistry.load({ home, cwd: home });
  if (registry.errors.length > 0) fail(registry.errors.map((e) => e.message).join('\n'));
  const gateway = await PersonaGateway.start({
    servers: servers.mcpServers,
    registry,
    store: new PersonaStore({ home }),
    cwd: home,
    env: { PATH: process.env.PATH },
    toolsPageSize: SETTINGS.list.pageSize,
    log: (level, message) => {
      if (level === 'error') log(`[in-process gateway] ${level}: ${message}`);
    },
  });
  cleanup.push(() => gateway.close());
  // Servers start in the background; the timed phases begin with every server up.
  await gateway.ready();
  return gateway;
}

/** A Client with a list_changed waiter; `close` is registered for the end of the run. */
function session(label, client, close) {
  let waiters = [];
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    const t = performance.now();
    for (const resolve of waiters.splice(0)) resolve(t);
  });
  const s = {
    label,
    client,
    /** Resolves with performance.now() at the next list_changed this client receives. */
    nextListChanged: () => new Promise((resolve) => waiters.push(resolve)),
    drain: () => {
      waiters = [];
    },
    close,
  };
  cleanup.push(close);
  return s;
}

async function connectStdio(label, command, argv, env = {}, cwd = undefined) {
  const client = new Client({ name: `bench-${label}`, version: '1.0.0' });
  const transport = new StdioClientTransport({
    command,
    args: argv,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    stderr: 'pipe',
    ...(cwd === undefined ? {} : { cwd }),
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  await withTimeout(client.connect(transport), 30_000, `${label}: connect`).catch((error) =>
    fail(`${label}: cannot connect (${error.message})\n${stderr}`),
  );
  return session(label, client, () => client.close());
}

async function connectInMemory(label, gateway) {
  const client = new Client({ name: `bench-${label}`, version: '1.0.0' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await createGatewayServer(gateway).connect(serverSide);
  await client.connect(clientSide);
  return session(label, client, () => client.close());
}

/** The floor of tools/list in-process: the SDK's Server answering a ready-made list. */
async function connectFloorInMemory(tools) {
  const server = new Server({ name: 'floor', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
  const client = new Client({ name: 'bench-floor', version: '1.0.0' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  await client.connect(clientSide);
  return session('floor in-process', client, () => client.close());
}

async function connectHttp(label, url) {
  const client = new Client({ name: `bench-${label}`, version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${HTTP_TOKEN}` } },
    }),
  );
  return session(label, client, () => client.close());
}

/** `tta mcp serve --http --port 0`, with the URL read from its log line "listening on …". */
async function spawnHttpGateway(home, config) {
  const child = spawn(
    process.execPath,
    [TTA, 'mcp', 'serve', '--http', '--port', '0', '--config', config],
    {
      env: {
        PATH: process.env.PATH ?? '',
        NO_COLOR: '1',
        TTA_HOME: home,
        TTA_MCP_TOKEN: HTTP_TOKEN,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  children.add(child);
  let stderr = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await withTimeout(
    new Promise((resolve, reject) => {
      child.stderr.on('data', (chunk) => {
        stderr = (stderr + chunk.toString()).slice(-8000);
        const match = /listening on (http:\/\/\S+)/.exec(stderr);
        if (match) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}\n${stderr}`)));
    }),
    30_000,
    'tta mcp serve --http to listen',
  ).catch((error) => fail(`cannot start tta mcp serve --http: ${error.message}`));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await withTimeout(exited, 5000, 'tta mcp serve --http to exit').catch(() =>
      child.kill('SIGKILL'),
    );
  };
  cleanup.push(close);
  return { url, close };
}

function tempHome(prefix) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(home, 'personas'));
  cleanup.push(async () => fs.rmSync(home, { recursive: true, force: true }));
  return home;
}

function writePersona(home, persona) {
  writeJson(path.join(home, 'personas', `${persona.name}.json`), {
    displayName: persona.name,
    description: `Benchmark persona ${persona.name}.`,
    icon: '⏱️',
    // Far above what 1,000 tool definitions cost: an over-budget note would change the results.
    tokenBudget: 100_000_000,
    ...persona,
  });
}

function identity(name) {
  return { name, displayName: name, icon: '⏱️', source: 'bench' };
}

/** Activates a persona the way a user does: the tta-persona command, in a fresh process. */
function ttaPersona(home, name) {
  const result = spawnSync(process.execPath, [TTA_PERSONA, name], {
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', TTA_HOME: home },
    encoding: 'utf8',
  });
  if (result.status !== 0) fail(`tta-persona ${name} failed: ${result.stderr}`);
}

function writeJson(file, value) {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Helpers

function summary(samples) {
  return {
    n: samples.length,
    p50Ms: r3(quantile(samples, 0.5)),
    p99Ms: r3(quantile(samples, 0.99)),
    meanMs: r3(samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length)),
    minMs: r3(Math.min(...samples)),
    maxMs: r3(Math.max(...samples)),
  };
}

/** The q-quantile, by linear interpolation between the closest ranks. */
function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

async function waitFor(predicate, what, timeoutMs = 30_000) {
  const deadline = performance.now() + timeoutMs;
  while (!(await predicate())) {
    if (performance.now() > deadline) fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The version of `name` as @tta-dev/integrations resolves it (through `entry`, a module of it,
 * when the package has no main export), or of the package in `dir`.
 */
function packageVersion(name, dir, entry = name) {
  try {
    if (dir !== undefined)
      return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
    // Up from the entry point: some packages map `<name>/package.json` to a nested stub.
    for (let at = path.dirname(requireFromIntegrations.resolve(entry)); ; at = path.dirname(at)) {
      const file = path.join(at, 'package.json');
      if (fs.existsSync(file)) {
        const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (manifest.name === name) return manifest.version;
      }
      if (path.dirname(at) === at) return 'unknown';
    }
  } catch {
    return 'unknown';
  }
}

function renderTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  const line = (row) =>
    row
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

function numberArg(value, fallbackValue) {
  if (value === undefined) return fallbackValue;
  const n = Number(value);
  if (!(Number.isInteger(n) && n > 0)) fail(`expected a positive whole number, got ${value}`, 2);
  return n;
}

function round(value, digits) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function r3(value) {
  return round(value, 3);
}

function f3(ms) {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(3);
}

function signed(ms) {
  return ms > 0 ? `+${f3(ms)}` : ms < 0 ? `−${f3(-ms)}` : '0';
}

function log(message) {
  process.stderr.write(`${message}\n`);
}

function fail(message, code = 1) {
  log(`bench/gateway.bench.mjs: ${message}`);
  for (const child of children) child.kill('SIGKILL');
  process.exit(code);
}
