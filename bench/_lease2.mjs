import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { PersonaRegistry } from '@tta-dev/personas';
import { FileRunStore, parseWorkflow, WorkflowEngine } from '@tta-dev/workflows';
const n = 10;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prof-'));
const registry = await PersonaRegistry.load({ home: path.join(tmp, 'home'), cwd: tmp });
const yaml = `name: bench\ndescription: x\nstages:\n  - id: s\n    title: S\n    persona: backend\n    steps:\n${Array.from({ length: n }, (_, i) => `      - id: m${i}\n        memory: { k${i}: ${i} }\n`).join('')}`;
const workflow = parseWorkflow('b.workflow.yaml', yaml, { registry });
const store = new FileRunStore({ cwd: tmp });
const engine = new WorkflowEngine({ store, registry, cwd: tmp });
for (let r = 0; r < 6; r++) { await engine.start(workflow, {}, `r${r}`); let t = performance.now(); const l = await store.lease(`x${r}`, 'me'); const a = performance.now() - t; t = performance.now(); await l.release(); console.log('after run: acquire', a.toFixed(2), 'release', (performance.now() - t).toFixed(2)); }
await new Promise((r) => setTimeout(r, 200));
let t = performance.now(); const l = await store.lease(`y`, 'me'); console.log('after 200ms idle: acquire', (performance.now() - t).toFixed(2));
fs.rmSync(tmp, { recursive: true, force: true });
