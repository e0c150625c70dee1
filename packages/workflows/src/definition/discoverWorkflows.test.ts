import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverWorkflows } from './discoverWorkflows.js';
import { loadWorkflowFile } from './loadWorkflowFile.js';
import { toMermaid } from './toMermaid.js';

let project: string;
beforeEach(async () => {
  project = await mkdtemp(join(tmpdir(), 'tta-wf-'));
});
afterEach(() => rm(project, { recursive: true, force: true }));

describe('discoverWorkflows', () => {
  it('finds the built-ins, and project files upward that replace them by name', async () => {
    expect((await discoverWorkflows(project)).map((w) => [w.name, w.source])).toContainEqual([
      'package-release',
      'builtin',
    ]);
    await mkdir(join(project, '.tta', 'workflows'), { recursive: true });
    await writeFile(
      join(project, '.tta', 'workflows', 'package-release.workflow.yaml'),
      'name: package-release\n',
    );
    await writeFile(join(project, '.tta', 'workflows', 'nightly.workflow.yaml'), 'name: nightly\n');
    await writeFile(join(project, '.tta', 'workflows', 'notes.md'), '# not a workflow');
    const nested = join(project, 'packages', 'a');
    await mkdir(nested, { recursive: true });
    const found = await discoverWorkflows(nested);
    expect(found.find((w) => w.name === 'package-release')?.source).toBe('project');
    expect(found.map((w) => w.name)).toContain('nightly');
    expect(found.map((w) => w.name)).not.toContain('notes');
  });
});

describe('toMermaid', () => {
  it('draws stages with their persona, steps and gates in order', async () => {
    const [builtin] = (await discoverWorkflows(project)).filter(
      (w) => w.name === 'package-release',
    );
    const chart = toMermaid(await loadWorkflowFile(builtin!.file));
    expect(chart.split('\n')[0]).toBe('flowchart TD');
    expect(chart).toContain('subgraph prepare["Version and changelog · backend"]');
    expect(chart).toContain(
      'verify__gate__coverage-threshold{"gate: Coverage meets the threshold"}',
    );
    expect(chart).toContain('prepare__gate__version-changed --> verify__tests');
  });
});
