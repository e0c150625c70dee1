#!/usr/bin/env node
// What the MCP persona gateway adds to a tools/call of a published server: `echo` of
// @modelcontextprotocol/server-everything, called over stdio
//
//   direct   a Client straight to the server;
//   relay    a Client to a process that only copies bytes between its stdio and the server's:
//            the floor of any proxy process (two more pipe hops and a Node process);
//   gateway  a Client to a spawned `tta mcp serve` proxying to the same server, under a persona
//            that allows it (checks, path guard, spans and metrics, token ledger included).
//
// Besides latency, the CPU time each proxy process spends per call (/proc/<pid>/stat, read
// around each target's calls): a figure a busy machine inflates far less than latency.
//
//   node bench/gatewayPublished.bench.mjs [--rounds N] [--calls N] [--out FILE] [--profile DIR]
//
// Each round times `calls` calls per target back to back, the order rotated every round, so that
// the machine's slow and fast periods fall on every target alike; p50 over all samples after a
// warm-up; added = target − direct, and paired, the median over rounds of per-round differences.
// Writes bench/results/gateway-published.json. Exits 0 whatever the figures.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string' },
    calls: { type: 'string' },
    out: { type: 'string' },
    profile: { type: 'string' },
  },
});
const ROUNDS = Number(args.rounds ?? 20);
const CALLS = Number(args.calls ?? 100);
const WARMUP = 300;
const TARGET_ADDED_P50_MS = 0.5;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = args.out ?? path.join(ROOT, 'bench/results/gateway-published.json');
const TTA = path.join(ROOT, 'packages/cli/dist/bin/tta.js');
const fromIntegrations = createRequire(path.join(ROOT, 'packages/integrations/package.json'));
const EVERYTHING_MANIFEST = fromIntegrations.resolve(
  '@modelcontextprotocol/server-everything/package.json',
);
const everything = JSON.parse(fs.readFileSync(EVERYTHING_MANIFEST, 'utf8'));
const SERVER = [
  path.join(path.dirname(EVERYTHING_MANIFEST), everything.bin['mcp-server-everything']),
  'stdio',
];
// Copies bytes both ways and nothing else; stderr is dropped as the clients drop it.
const RELAY = `const { spawn } = require('node:child_process');
const child = spawn(process.execPath, JSON.parse(process.argv[1]), { stdio: ['pipe', 'pipe', 'ignore'] });
process.stdin.pipe(child.stdin); child.stdout.pipe(process.stdout);
process.stdin.on('end', () => child.kill());`;

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tta-bench-published-'));
fs.mkdirSync(path.join(home, 'personas'));
fs.writeFileSync(
  path.join(home, 'personas', 'bench-everything.json'),
  JSON.stringify({
    name: 'bench-everything',
    displayName: 'Bench',
    description: 'Calls the everything server.',
    tokenBudget: 1_000_000_000,
    allowedServers: ['everything'],
  }),
);
const config = path.join(home, 'mcp_servers.json');
fs.writeFileSync(
  config,
  JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: SERVER } } }),
);
const env = { PATH: process.env.PATH ?? '', HOME: home, TTA_HOME: home };
const switched = spawnSync(
  process.execPath,
  [path.join(ROOT, 'packages/cli/dist/bin/tta-persona.js'), 'bench-everything'],
  { env, encoding: 'utf8' },
);
if (switched.status !== 0) fail(`tta-persona bench-everything: ${switched.stderr}`);

const pids = {};
const connect = async (id, command, argv) => {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  const transport = new StdioClientTransport({ command, args: argv, env, stderr: 'ignore' });
  await client.connect(transport);
  pids[id] = transport.pid;
  return client;
};
/** CPU time of a process so far, in ms (user + system; Linux clock ticks of 10 ms). */
const cpuMs = (pid) => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const clients = {
  direct: await connect('direct', process.execPath, SERVER),
  relay: await connect('relay', process.execPath, ['-e', RELAY, JSON.stringify(SERVER)]),
  gateway: await connect('gateway', process.execPath, [
    ...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : []),
    TTA,
    'mcp',
    'serve',
    '--config',
    config,
  ]),
};
const names = { direct: 'echo', relay: 'echo', gateway: 'everything__echo' };
// The gateway starts its servers in the background: wait until it lists the tool.
for (let i = 0; ; i++) {
  const { tools } = await clients.gateway.listTools();
  if (tools.some((t) => t.name === names.gateway)) break;
  if (i > 1500) fail('the gateway never listed everything__echo');
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const call = async (id) => {
  const result = await clients[id].callTool({ name: names[id], arguments: { message: 'ping' } });
  if (result.isError || result.content?.[0]?.text !== 'Echo: ping')
    fail(`${id}: answered ${JSON.stringify(result)}`);
};

for (const id of Object.keys(clients)) for (let i = 0; i < WARMUP; i++) await call(id);
const ids = Object.keys(clients);
const samples = Object.fromEntries(ids.map((id) => [id, []]));
const medians = Object.fromEntries(ids.map((id) => [id, []]));
// The proxy process's CPU over its own target's calls (the direct target's is the server's).
const cpu = Object.fromEntries(ids.map((id) => [id, 0]));
for (let r = 0; r < ROUNDS; r++) {
  for (const id of ids.map((_, i) => ids[(i + r) % ids.length])) {
    const times = [];
    const cpuBefore = cpuMs(pids[id]);
    for (let i = 0; i < CALLS; i++) {
      const t = performance.now();
      await call(id);
      times.push(performance.now() - t);
    }
    cpu[id] += cpuMs(pids[id]) - cpuBefore;
    samples[id].push(...times);
    medians[id].push(quantile(times, 0.5));
  }
}
for (const client of Object.values(clients)) await client.close();
fs.rmSync(home, { recursive: true, force: true });

const figure = (id, over = 'direct') => ({
  cpuPerCallUs: Math.round((cpu[id] / (ROUNDS * CALLS)) * 1000),
  p50Ms: r3(quantile(samples[id], 0.5)),
  p99Ms: r3(quantile(samples[id], 0.99)),
  ...(id === over
    ? {}
    : {
        [`addedP50Over_${over}Ms`]: r3(quantile(samples[id], 0.5) - quantile(samples[over], 0.5)),
        [`addedPairedMedianOver_${over}Ms`]: r3(
          quantile(
            medians[id].map((m, i) => m - medians[over][i]),
            0.5,
          ),
        ),
      }),
});
const gatewayAdded = r3(quantile(samples.gateway, 0.5) - quantile(samples.direct, 0.5));
const results = {
  benchmark: 'gateway-published',
  date: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model,
  loadAverageAtEnd: os.loadavg().map(r3),
  server: `${everything.name}@${everything.version}`,
  settings: { rounds: ROUNDS, calls: CALLS, warmup: WARMUP, tool: 'echo' },
  direct: figure('direct'),
  relay: figure('relay'),
  gateway: { ...figure('gateway'), ...figure('gateway', 'relay') },
  target: {
    description: `a proxied call of a published server adds < ${TARGET_ADDED_P50_MS} ms at p50 over calling it directly`,
    addedP50Ms: gatewayAdded,
    met: gatewayAdded < TARGET_ADDED_P50_MS,
  },
};
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
console.log(
  `${results.server} echo, p50: direct ${results.direct.p50Ms} ms, relay ${results.relay.p50Ms} ms, gateway ${results.gateway.p50Ms} ms; gateway adds ${gatewayAdded} ms over direct (target < ${TARGET_ADDED_P50_MS}: ${results.target.met ? 'met' : 'MISSED'}), ${results.gateway.addedP50Over_relayMs} ms over the relay floor\nCPU per call: server ${results.direct.cpuPerCallUs} µs, relay ${results.relay.cpuPerCallUs} µs, gateway ${results.gateway.cpuPerCallUs} µs\nwrote ${OUT}`,
);

function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function r3(value) {
  return Math.round(value * 1000) / 1000;
}

function fail(message) {
  console.error(`gatewayPublished.bench: ${message}`);
  process.exit(1);
}
