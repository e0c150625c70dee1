import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaRegistry } from '@tta-dev/personas/registry';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILTIN_TEMPLATES_DIR } from './builtinTemplatesDir.js';
import { discoverWorkflows } from './discoverWorkflows.js';
import { loadWorkflowFile } from './loadWorkflowFile.js';
import { builtinTemplateSummaries, TEMPLATE_SUMMARIES_FILE } from './templateSummaries.js';

// Tests run after the build (turbo's test task depends on it), which wrote the summaries here.
const BUILT = new URL(`../../dist/definition/${TEMPLATE_SUMMARIES_FILE}`, import.meta.url);
const scratch = mkdtempSync(join(tmpdir(), 'tta-summaries-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('builtinTemplateSummaries', () => {
  it('gives each built-in template as validating it gives, from what the build wrote', async () => {
    const registry = await PersonaRegistry.load({ home: scratch, cwd: scratch });
    const summaries = builtinTemplateSummaries({ summariesFile: BUILT });
    const refs = (await discoverWorkflows(scratch)).filter((r) => r.source === 'builtin');
    expect([...summaries.keys()].sort()).toEqual(refs.map((r) => r.file).sort());
    for (const ref of refs) {
      const workflow = await loadWorkflowFile(ref.file, { registry });
      expect(summaries.get(ref.file)).toEqual({
        name: ref.name,
        file: ref.file,
        description: workflow.description,
        stages: workflow.stages.map((s) => ({ id: s.id, persona: s.persona })),
      });
    }
  });

  it('leaves out a template whose text changed since the build, and all without a build', () => {
    const templatesDir = join(scratch, 'templates');
    cpSync(BUILTIN_TEMPLATES_DIR, templatesDir, { recursive: true });
    const changed = join(templatesDir, 'package-release.workflow.yaml');
    writeFileSync(changed, `${readFileSync(changed, 'utf8')}# edited\n`);
    const summaries = builtinTemplateSummaries({ templatesDir, summariesFile: BUILT });
    expect(summaries.has(changed)).toBe(false);
    expect(summaries.has(join(templatesDir, 'feature-development.workflow.yaml'))).toBe(true);
    expect(builtinTemplateSummaries({ summariesFile: join(scratch, 'none.json') }).size).toBe(0);
  });
});
