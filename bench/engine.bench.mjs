// Engine overhead per step: a workflow of N `memory` steps (no subprocess) run by the
// WorkflowEngine on the in-memory and the file run store, against N core `step` primitives in a
// `sequence` doing the same work. Writes bench/results/engine.json (or --out FILE).
// Usage: node bench/engine.bench.mjs [--steps N] [--runs N] [--out FILE]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createContext, sequence, step } from '@tta-dev/core';
import { PersonaRegistry } from '@tta-dev/personas';
import { FileRunStore, InMemoryRunStore, parseWorkflow, WorkflowEngine } from '@tta-dev/workflows';

const { values } = parseArgs({
  options: { steps: { type: 'string' }, runs: { type: 'string' }, out: { type: 'string' } },
});
const steps = Number(values.steps ?? 100);
const runs = Number(values.runs ?? 15);
const root = path.resolve(import.meta.dirname, '..');
const out = values.out ?? path.join(root, 'bench/results/engine.json');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tta-engine-bench-'));

const registry = await PersonaRegistry.load({ home: path.join(tmp, 'home'), cwd: tmp });
const yaml = `name: bench\ndescription: ${steps} memory steps\nstages:\n  - id: s\n    title: S\n    persona: backend\n    steps:\n${Array.from({ length: steps }, (_, i) => `      - id: m${i}\n        memory: { k${i}: ${i} }\n`).join('')}`;
const workflow = parseWorkflow('bench.workflow.yaml', yaml, { registry });

const bare = sequence(
  ...Array.from({ length: steps }, (_, i) => step((m) => ({ ...m, [`k${i}`]: i }))),
);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (fn) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

const results = { bare: [], memoryStore: [], fileStore: [] };
for (let r = 0; r < runs + 2; r++) {
  const b = await time(() => bare.run({}, createContext()));
  const m = await time(() =>
    new WorkflowEngine({ store: new InMemoryRunStore(), registry, cwd: tmp }).start(
      workflow,
      {},
      `m${r}`,
    ),
  );
  const f = await time(() =>
    new WorkflowEngine({ store: new FileRunStore({ cwd: tmp }), registry, cwd: tmp }).start(
      workflow,
      {},
      `f${r}`,
    ),
  );
  if (r >= 2) {
    results.bare.push(b);
    results.memoryStore.push(m);
    results.fileStore.push(f);
  }
}
fs.rmSync(tmp, { recursive: true, force: true });

const perStep = (ms) => Math.round((ms / steps) * 1000) / 1000;
const figures = Object.fromEntries(
  Object.entries(results).map(([k, xs]) => [
    k,
    { medianMs: Math.round(median(xs) * 100) / 100, perStepMs: perStep(median(xs)) },
  ]),
);
const summary = {
  benchmark: 'WorkflowEngine overhead per step over bare core primitives',
  date: new Date().toISOString(),
  node: process.version,
  cpu: { model: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length },
  steps,
  runs,
  statistic: 'median wall time of whole runs, after 2 warm-up runs',
  figures,
  overheadPerStepMs: {
    memoryStore: Math.round((figures.memoryStore.perStepMs - figures.bare.perStepMs) * 1000) / 1000,
    fileStore: Math.round((figures.fileStore.perStepMs - figures.bare.perStepMs) * 1000) / 1000,
  },
};
for (const [k, v] of Object.entries(figures))
  process.stderr.write(
    `${k.padEnd(12)} ${String(v.medianMs).padStart(9)} ms  ${v.perStepMs} ms/step\n`,
  );
process.stderr.write(
  `engine overhead per step: ${summary.overheadPerStepMs.memoryStore} ms (in-memory store), ${summary.overheadPerStepMs.fileStore} ms (file store)\n`,
);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(`${out}.tmp`, `${JSON.stringify(summary, null, 2)}\n`);
fs.renameSync(`${out}.tmp`, out);
