import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PersonaRegistry } from '@tta-dev/personas';
import { InMemoryRunStore, parseWorkflow, WorkflowEngine } from '@tta-dev/workflows';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'x-'));
const registry = await PersonaRegistry.load({ home: path.join(tmp, 'home'), cwd: tmp });
const steps = 100;
const yaml = `name: bench\ndescription: d\nstages:\n  - id: s\n    title: S\n    persona: backend\n    steps:\n${Array.from({ length: steps }, (_, i) => `      - id: m${i}\n        memory: { k${i}: ${i} }\n`).join('')}`;
const workflow = parseWorkflow('bench.workflow.yaml', yaml, { registry });
const t0 = performance.now();
const N = Number(process.argv[2] ?? 100);
for (let r = 0; r < N; r++)
  await new WorkflowEngine({ store: new InMemoryRunStore(), registry, cwd: tmp }).start(
    workflow,
    {},
    `r${r}`,
  );
console.log(((performance.now() - t0) / N / steps).toFixed(4), 'ms/step');
