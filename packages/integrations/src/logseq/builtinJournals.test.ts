import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaRegistry } from '@tta-dev/personas';
import {
  BUILTIN_TEMPLATES_DIR,
  createSampleProject,
  detectProject,
  InMemoryRunStore,
  loadWorkflowFile,
  SAMPLE_GIT_ENV,
  WorkflowEngine,
} from '@tta-dev/workflows';
import { type JournalBlock, runJournal, writeRunJournal } from '@tta-dev/workflows/journal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStepRunners } from '../steps/createStepKinds.js';
import { LogseqFileGraph } from './LogseqFileGraph.js';
import { type SeenBlock, seePage } from './mldocPage.testkit.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tta-builtin-journal-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** What an assistant or a person hands in for each agent step: Markdown. */
const handIn = (step: string) =>
  `## ${step}\n- Done, see [[Runbook]]\n- [ ] Follow up #${step}\n\nA closing paragraph.`;

/** Runs a built-in template on the sample package, completing each agent step, to the end. */
async function runTemplate(name: string, inputs: Record<string, unknown>) {
  const project = join(dir, name);
  await createSampleProject(project);
  const registry = await PersonaRegistry.load({ home: join(dir, 'home'), cwd: project });
  const workflow = await loadWorkflowFile(join(BUILTIN_TEMPLATES_DIR, `${name}.workflow.yaml`), {
    registry,
  });
  const env = { ...process.env, ...SAMPLE_GIT_ENV, npm_config_cache: join(dir, 'npm-cache') };
  const engine = new WorkflowEngine({
    store: new InMemoryRunStore(),
    registry,
    cwd: project,
    env,
    project: detectProject(project),
    runners: createStepRunners({ env }),
  });
  let result = await engine.start(workflow, inputs, name);
  while (result.status === 'suspended') {
    const waiting = [...result.events].reverse().find((e) => e.type === 'step_suspended');
    if (waiting?.type !== 'step_suspended') throw new Error('suspended without a waiting step');
    await engine.complete(name, waiting.step, handIn(waiting.step), { by: 'test' });
    result = await engine.resume(name, workflow);
  }
  return result;
}

const ids = (blocks: JournalBlock[]): unknown[] => blocks.map((b) => [b.uuid, ids(b.children)]);
const seenIds = (blocks: SeenBlock[]): unknown[] =>
  blocks.map((b) => [b.properties.id, seenIds(b.children)]);

describe('journals of the built-in workflows, as Logseq reads them', () => {
  it.each([
    ['package-release', {}, ['Release notes v1.0.1']],
    [
      'incident-response',
      { title: 'API 500s on /checkout', severity: 'p1' },
      ['Incident', 'Post-mortem'],
    ],
    ['feature-development', { feature: 'user-profile' }, []],
  ] as const)('%s', async (name, inputs, kindPages) => {
    const result = await runTemplate(name, inputs);
    expect(result.status).toBe('completed');
    const journal = runJournal(result.events, { timeZone: 'UTC' });
    const runPage = journal.pages[0]!.name;
    expect(journal.pages.map((p) => p.name)).toEqual(
      expect.arrayContaining(kindPages.map((title) => `${runPage}/${title}`)),
    );
    const graph = join(dir, 'graph');
    await writeRunJournal(journal, new LogseqFileGraph(graph));
    const again = new LogseqFileGraph(graph);
    await writeRunJournal(journal, again);
    expect(again.written).toEqual([]);
    for (const page of journal.pages) {
      const seen = seePage(await readFile(join(graph, await again.pageFile(page.name)), 'utf8'));
      expect(seen.properties.title).toBe(page.name);
      expect(seenIds(seen.blocks), page.name).toEqual(ids(page.blocks));
    }
    const run = seePage(await readFile(join(graph, await again.pageFile(runPage)), 'utf8'));
    expect(run.properties).toMatchObject({ workflow: name, status: 'completed', tags: 'tta-run' });
    for (const title of kindPages) {
      const page = seePage(
        await readFile(join(graph, await again.pageFile(`${runPage}/${title}`)), 'utf8'),
      );
      expect(page.propertyRefs.run).toEqual([runPage]);
      expect(page.blocks.map((b) => b.heading)).toContain(2);
      expect(JSON.stringify(page.blocks)).toContain('Runbook');
    }
    const day = seePage(
      await readFile(join(graph, await again.journalFile(journal.journalEntry.date)), 'utf8'),
    );
    expect(day.blocks.flatMap((b) => b.refs)).toContain(runPage);
  });
});
