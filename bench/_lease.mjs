import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { FileRunStore } from '@tta-dev/workflows';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lease-'));
const store = new FileRunStore({ cwd: tmp });
const a = [], b = [];
for (let i = 0; i < 30; i++) { let t = performance.now(); const l = await store.lease(`r${i}`, 'me'); a.push(performance.now() - t); t = performance.now(); await l.release(); b.push(performance.now() - t); }
const med = (x) => x.sort((p, q) => p - q)[x.length >> 1].toFixed(2);
console.log('acquire', med(a), 'release', med(b));
fs.rmSync(tmp, { recursive: true, force: true });
