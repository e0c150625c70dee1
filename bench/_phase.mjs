import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { PersonaRegistry } from '@tta-dev/personas';
import { FileRunStore, parseWorkflow, WorkflowEngine } from '@tta-dev/workflows';
const n = 10;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prof-'));
const registry = await PersonaRegistry.load({ home: path.join(tmp, 'home'), cwd: tmp });
const yaml = `name: bench\ndescription: x\nstages:\n  - id: s\n    title: S\n    persona: backend\n    steps:\n${Array.from({ length: n }, (_, i) => `      - id: m${i}\n        memory: { k${i}: ${i} }\n`).join('')}`;
const workflow = parseWorkflow('b.workflow.yaml', yaml, { registry });
const store = new FileRunStore({ cwd: tmp });
let t0; const log = [];
const wrap = (name) => { const f = store[name].bind(store); store[name] = async (...a) => { const s = performance.now(); const r = await f(...a); log.push(`${(s - t0).toFixed(2)} +${(performance.now() - s).toFixed(2)} ${name} ${a[1]?.type ?? ''}`); return r; }; };
['append', 'sync', 'read', 'lease'].forEach(wrap);
const engine = new WorkflowEngine({ store, registry, cwd: tmp });
for (let r = 0; r < 6; r++) { log.length = 0; t0 = performance.now(); await engine.start(workflow, {}, `r${r}`); const tot = performance.now() - t0; if (r >= 4) { console.log('total', tot.toFixed(1)); console.log(log.join('\n')); } }
fs.rmSync(tmp, { recursive: true, force: true });
