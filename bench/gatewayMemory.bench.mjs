#!/usr/bin/env node
// Memory of a spawned `tta mcp serve` after warm-up, against the same downstream server used
// directly (issue 11's target: the gateway itself under 60 MiB).
//
//   pnpm bench                                   builds, then runs every benchmark; this one ~20 s,
//                                                writes bench/results/gateway-memory.json
//   node bench/gatewayMemory.bench.mjs --quick   fewer calls, writes no file unless --out
//
// Method: the gateway is spawned with a servers file naming the project's fixture server and an
// active persona allowing it (temporary TTA_HOME), driven over stdio with raw JSON-RPC lines:
// initialize, tools/list, then `calls` tools/call of `echo`. Its resident set (VmRSS and VmHWM
// of /proc/<pid>/status) is read after the warm-up, and again after a tools/list with a result
// whose tokens were counted (the tokenizer is loaded by then). The anchor, in the same run, is
// the fixture server itself spawned alone and given the same calls: one SDK server process.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_OUT = path.join(ROOT, 'bench', 'results', 'gateway-memory.json');
const TTA = path.join(ROOT, 'packages/cli/dist/bin/tta.js');
const TTA_PERSONA = path.join(ROOT, 'packages/cli/dist/bin/tta-persona.js');
const FIXTURE = path.join(ROOT, 'packages/integrations/src/mcp/fixtures/fixtureServer.mjs');
const TARGET_MIB = 60;

const { values: args } = parseArgs({
  options: { quick: { type: 'boolean' }, out: { type: 'string' } },
});
const QUICK = args.quick === true;
const CALLS = QUICK ? 50 : 500;
const out = args.out ?? (QUICK ? undefined : DEFAULT_OUT);

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tta-memory-bench-'));
fs.mkdirSync(path.join(home, 'personas'));
fs.writeFileSync(
  path.join(home, 'personas', 'bench.json'),
  JSON.stringify({
    name: 'bench',
    displayName: 'Bench',
    description: 'The fixture server only.',
    tokenBudget: 1_000_000,
    allowedServers: ['fx'],
  }),
);
const serversFile = path.join(home, 'servers.json');
fs.writeFileSync(
  serversFile,
  JSON.stringify({ mcpServers: { fx: { command: process.execPath, args: [FIXTURE, 'tools'] } } }),
);
const env = { PATH: process.env.PATH ?? '', HOME: home, TTA_HOME: home };
const switched = spawnSync(process.execPath, [TTA_PERSONA, 'bench'], { env });
if (switched.status !== 0) fail(`tta-persona bench failed: ${switched.stderr}`);

/** A process spoken to with newline-delimited JSON-RPC. */
function rpc(command, argv) {
  const child = spawn(command, argv, { env, stdio: ['pipe', 'pipe', 'ignore'], cwd: home });
  const waiting = new Map();
  let buffer = '';
  let id = 0;
  child.stdout.on('data', (chunk) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const message = JSON.parse(line);
      if (message.id !== undefined && waiting.has(message.id)) {
        waiting.get(message.id)(message);
        waiting.delete(message.id);
      }
    }
  });
  const request = (method, params = {}) =>
    new Promise((resolve, reject) => {
      id += 1;
      waiting.set(id, (m) =>
        m.error ? reject(new Error(JSON.stringify(m.error))) : resolve(m.result),
      );
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  const notify = (method) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method })}\n`);
  return { child, request, notify };
}

function memory(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key) => Number(status.match(new RegExp(`${key}:\\s+(\\d+) kB`))?.[1] ?? Number.NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

async function measure(name, command, argv, tool) {
  const peer = rpc(command, argv);
  await peer.request('initialize', {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'memory-bench', version: '1.0.0' },
  });
  peer.notify('notifications/initialized');
  // The gateway's tools follow the server's start: list until the proxied tool is there.
  for (let i = 0; ; i++) {
    const { tools } = await peer.request('tools/list');
    if (tools.some((t) => t.name === tool)) break;
    if (i > 600) fail(`${name}: ${tool} never appeared`);
    await new Promise((r) => setTimeout(r, 50));
  }
  for (let i = 0; i < CALLS; i++) {
    const result = await peer.request('tools/call', { name: tool, arguments: { message: 'ping' } });
    if (result.content?.[0]?.text !== 'ping') fail(`${name}: bad answer ${JSON.stringify(result)}`);
  }
  global.gc?.();
  const warm = memory(peer.child.pid);
  peer.child.stdin.end();
  await new Promise((resolve) => peer.child.once('exit', resolve));
  return { name, calls: CALLS, ...warm };
}

const gateway = await measure(
  'gateway (tta mcp serve)',
  process.execPath,
  [TTA, 'mcp', 'serve', '--config', serversFile],
  'fx__echo',
);
const direct = await measure('fixture server alone', process.execPath, [FIXTURE, 'tools'], 'echo');
fs.rmSync(home, { recursive: true, force: true });

const results = {
  benchmark: 'tta mcp serve resident memory after warm-up, against the downstream server alone',
  date: new Date().toISOString(),
  node: process.version,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
  settings: { quick: QUICK, calls: CALLS },
  gateway,
  anchor: direct,
  ratioToAnchor: gateway.rssMiB / direct.rssMiB,
  target: { rssMiB: TARGET_MIB, met: gateway.rssMiB <= TARGET_MIB },
};
const f = (x) => `${x.toFixed(1)} MiB`;
process.stdout.write(
  `RSS after ${CALLS} calls: gateway ${f(gateway.rssMiB)} (peak ${f(gateway.peakMiB)}), fixture server alone ${f(direct.rssMiB)} (peak ${f(direct.peakMiB)}), x${results.ratioToAnchor.toFixed(2)}; target ≤ ${TARGET_MIB} MiB ${results.target.met ? 'met' : 'MISSED'}\n`,
);
if (out !== undefined) {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(`${out}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
  fs.renameSync(`${out}.tmp`, out);
  process.stdout.write(`results written to ${path.relative(process.cwd(), out) || out}\n`);
}

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
