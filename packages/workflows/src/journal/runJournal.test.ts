import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaRegistry } from '@tta-dev/personas';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseWorkflow } from '../definition/parseWorkflow.js';
import { WorkflowEngine } from '../engine/WorkflowEngine.js';
import { InMemoryRunStore } from '../runs/InMemoryRunStore.js';
import type { RunEvent } from '../runs/RunEvent.js';
import { isRunBlock, UUID_PATTERN } from './blockUuid.js';
import type { JournalBlock, JournalPage, JournalSink, RunJournal } from './JournalPage.js';
import { dayOf, formatDuration, propertyKey, runJournal } from './runJournal.js';
import { uuidLinks } from './uuidLinks.js';
import { writeRunJournal } from './writeRunJournal.js';

let registry: PersonaRegistry;
let cwd: string;
beforeAll(async () => {
  registry = await PersonaRegistry.load({ home: '/nonexistent-tta-home', cwd: '/' });
});
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'tta-journal-'));
});
afterEach(() => rm(cwd, { recursive: true, force: true }));

const release = () =>
  parseWorkflow(
    'mini.workflow.yaml',
    `name: mini-release
description: A small release.
inputs:
  threshold: { type: number, default: 80 }
stages:
  - id: prepare
    title: Prepare
    persona: backend
    steps:
      - id: version
        run: echo 1.2.3
      - id: decide
        journal:
          decision: "Release v\${{ steps.version.output.stdout }} as a minor"
  - id: verify
    title: Verify
    persona: testing
    steps:
      - id: coverage
        run: echo 86.4
    gates:
      - id: coverage-ok
        value: "\${{ steps.coverage.output.stdout }}"
        min: "\${{ inputs.threshold }}"
  - id: ship
    title: Ship
    persona: devops
    steps:
      - id: notes
        agent: Write the notes for v\${{ steps.version.output.stdout }}.
      - id: notes-page
        journal:
          page:
            title: Release notes v\${{ steps.version.output.stdout }}
            content: "\${{ steps.notes.output }}"
      - id: learnt
        journal:
          learning: "Coverage was \${{ steps.coverage.output.stdout }}%"
`,
    { registry },
  );

async function run(inputs: Record<string, unknown> = {}) {
  const store = new InMemoryRunStore();
  const engine = new WorkflowEngine({ store, registry, cwd, env: process.env });
  const workflow = release();
  const first = await engine.start(workflow, inputs, 'run-1');
  return { store, engine, workflow, first };
}

const page = (journal: RunJournal, name: string): JournalPage => {
  const found = journal.pages.find((p) => p.name === name);
  if (found === undefined)
    throw new Error(`no page ${name}; pages: ${journal.pages.map((p) => p.name).join(', ')}`);
  return found;
};
const allBlocks = (blocks: JournalBlock[]): JournalBlock[] =>
  blocks.flatMap((b) => [b, ...allBlocks(b.children)]);
const byContent = (blocks: JournalBlock[], start: string) =>
  allBlocks(blocks).find((b) => b.content.startsWith(start));

const NOTES = '## Added\n- Faster builds\n- [ ] Announce it\n\n## Thanks\nEveryone';

describe('runJournal', () => {
  it('makes the run page, a page per stage, the asked-for pages and the journal block of a finished run', async () => {
    const { engine, workflow, first } = await run();
    expect(first.status).toBe('suspended');
    await engine.complete('run-1', 'notes', NOTES, { by: 'alice', note: 'reviewed by Bob' });
    const done = await engine.resume('run-1', workflow);
    expect(done.status).toBe('completed');

    const journal = runJournal(done.events, { timeZone: 'UTC' });
    const date = done.events[0]!.time.slice(0, 10);
    const runPage = `TTA/Runs/mini-release/${date} run-1`;
    expect(journal.runId).toBe('run-1');
    expect(journal.pages.map((p) => p.name)).toEqual([
      runPage,
      `${runPage}/prepare`,
      `${runPage}/verify`,
      `${runPage}/ship`,
      `${runPage}/Release notes v1.2.3`,
    ]);

    const runProps = page(journal, runPage).properties;
    expect(runProps).toMatchObject({
      tags: ['tta-run'],
      workflow: 'mini-release',
      'run-id': 'run-1',
      status: 'completed',
      started: done.events[0]!.time,
      personas: ['tta-backend-engineer', 'tta-testing-specialist', 'tta-devops-engineer'],
      gates: '1 passed, 0 failed',
    });
    // 6 steps done, of which the agent step by a person: 5/6 automated.
    expect(runProps.automation).toBe('83%');
    expect(runProps.duration).toMatch(/^\d+(\.\d)? (ms|s)$|^\d+m \d\ds$/);
    const runBlocks = page(journal, runPage).blocks;
    expect(byContent(runBlocks, 'Inputs')?.properties).toEqual({ threshold: '80' });
    expect(byContent(runBlocks, 'Metrics')?.properties).toMatchObject({
      steps: '6',
      'gates-passed': '1',
    });
    expect(byContent(runBlocks, 'Stages')!.children.map((b) => b.content)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^\\[\\[${runPage}/prepare\\]\\] completed in .+, as \\[\\[tta-backend-engineer\\]\\]$`,
        ),
      ),
      expect.stringContaining(`[[${runPage}/verify]] completed`),
      expect.stringContaining(`[[${runPage}/ship]] completed`),
    ]);
    expect(byContent(runBlocks, 'Pages')!.children.map((b) => b.content)).toEqual([
      `[[${runPage}/Release notes v1.2.3]]`,
    ]);

    const prepare = page(journal, `${runPage}/prepare`);
    expect(prepare.properties).toMatchObject({
      tags: ['tta-stage'],
      run: `[[${runPage}]]`,
      stage: 'prepare',
      persona: ['tta-backend-engineer'],
      status: 'completed',
    });
    expect(byContent(prepare.blocks, '**version**')?.properties).toEqual({
      step: 'version',
      outcome: 'succeeded',
      kind: 'run',
    });
    expect(byContent(prepare.blocks, '#decision')).toMatchObject({
      content: '#decision Release v1.2.3 as a minor',
      properties: { by: 'workflow' },
    });

    const verify = page(journal, `${runPage}/verify`);
    expect(byContent(verify.blocks, '**coverage-ok**')).toMatchObject({
      content: '**coverage-ok** passed: 86.4 is ≥ 80',
      properties: { gate: 'coverage-ok', result: 'passed', value: '86.4', min: '80' },
    });

    const ship = page(journal, `${runPage}/ship`);
    const notes = byContent(ship.blocks, '**notes**')!;
    expect(notes.content).toBe('**notes** completed by alice');
    expect(notes.properties).toMatchObject({ outcome: 'completed', kind: 'agent', by: 'alice' });
    expect(notes.children.map((b) => b.content)).toEqual([
      'reviewed by Bob',
      '## Added',
      '## Thanks',
    ]);
    expect(byContent(ship.blocks, '#learning')?.content).toBe('#learning Coverage was 86.4%');

    const notesPage = page(journal, `${runPage}/Release notes v1.2.3`);
    expect(notesPage.properties).toEqual({
      tags: ['tta-page'],
      run: `[[${runPage}]]`,
      stage: 'ship',
      step: 'notes-page',
    });
    expect(notesPage.blocks.map((b) => [b.content, b.children.map((c) => c.content)])).toEqual([
      ['## Added', ['Faster builds', 'TODO Announce it']],
      ['## Thanks', ['Everyone']],
    ]);

    expect(journal.journalEntry.date).toBe(date);
    expect(journal.journalEntry.block.content).toMatch(
      new RegExp(`^\\[\\[${runPage}\\]\\] mini-release completed in `),
    );

    // Every block: a UUID of this run, and no uuid twice.
    const uuids = [
      ...journal.pages.flatMap((p) => allBlocks(p.blocks)),
      journal.journalEntry.block,
    ].map((b) => b.uuid);
    for (const uuid of uuids) {
      expect(uuid).toMatch(UUID_PATTERN);
      expect(isRunBlock(uuid, 'run-1')).toBe(true);
    }
    expect(new Set(uuids).size).toBe(uuids.length);
  });

  it('is pure, and keeps a block’s uuid as the run goes on, so a rewrite updates blocks', async () => {
    const { engine, workflow, first } = await run();
    const early = runJournal(first.events, { timeZone: 'UTC' });
    expect(runJournal(first.events, { timeZone: 'UTC' })).toEqual(early);
    const runPage = early.pages[0]!.name;
    expect(early.pages[0]!.properties.status).toBe('suspended');
    const waiting = byContent(page(early, `${runPage}/ship`).blocks, '**notes**')!;
    expect(waiting.content).toBe('**notes** waiting for an assistant or a person');
    expect(waiting.children.map((b) => b.content)).toEqual(['Write the notes for v1.2.3.']);
    expect(page(early, `${runPage}/ship`).properties.status).toBe('suspended');

    await engine.complete('run-1', 'notes', NOTES, { by: 'alice' });
    const done = await engine.resume('run-1', workflow);
    const late = runJournal(done.events, { timeZone: 'UTC' });
    const lateNotes = byContent(page(late, `${runPage}/ship`).blocks, '**notes**')!;
    expect(lateNotes.uuid).toBe(waiting.uuid);
    expect(lateNotes.content).toBe('**notes** completed by alice');
    expect(late.journalEntry.block.uuid).toBe(early.journalEntry.block.uuid);
    const earlyVersion = byContent(page(early, `${runPage}/prepare`).blocks, '**version**')!;
    expect(byContent(page(late, `${runPage}/prepare`).blocks, '**version**')).toEqual(earlyVersion);
  });

  it('shows a run stopped at a gate: status, the failed gate with its values and reason', async () => {
    const { first } = await run({ threshold: 99 });
    expect(first.status).toBe('gate_failed');
    const journal = runJournal(first.events, { timeZone: 'UTC' });
    const runPage = journal.pages[0]!;
    expect(runPage.properties).toMatchObject({
      status: 'gate_failed',
      gates: '0 passed, 1 failed',
    });
    const verify = page(journal, `${runPage.name}/verify`);
    expect(verify.properties.status).toBe('gate_failed');
    expect(byContent(verify.blocks, '**coverage-ok**')).toMatchObject({
      content: '**coverage-ok** failed: 86.4 is not ≥ 99',
      properties: { result: 'failed', value: '86.4', min: '99' },
    });
    expect(journal.pages.map((p) => p.name)).not.toContain(`${runPage.name}/ship`);
    expect(journal.journalEntry.block.content).toContain('stopped at a gate');
  });

  it('puts notes added from outside (no stage) on the run page; takes tokens and the trace id from the events', async () => {
    const { store } = await run({ threshold: 99 });
    await store.append('run-1', {
      type: 'decision',
      text: 'Lower the bar to 85\n\n- because of flaky e2e',
      by: 'bob',
    });
    const [first, ...rest] = await store.read('run-1');
    const stage = rest.find((e) => e.type === 'stage_started')!;
    // The figures are the fold's, whatever a run_completed event claims.
    const events = [
      {
        ...first,
        trace: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' },
      },
      ...rest.map((e) => (e === stage ? { ...e, tokens: 1234 } : e)),
    ] as RunEvent[];
    const journal = runJournal(events, { timeZone: 'UTC', prefix: 'Work/' });
    const runPage = journal.pages[0]!;
    expect(runPage.name).toMatch(/^Work\/Runs\/mini-release\//);
    expect(runPage.properties).toMatchObject({
      tokens: 1234,
      'trace-id': '4bf92f3577b34da6a3ce929d0e0e4736',
    });
    const decision = byContent(runPage.blocks, '#decision')!;
    expect(decision.content).toBe('#decision Lower the bar to 85');
    expect(decision.properties).toEqual({ by: 'bob' });
    expect(decision.children.map((b) => b.content)).toEqual(['because of flaky e2e']);
  });

  it('never writes a user’s key as one of Logseq’s own properties', async () => {
    const workflow = parseWorkflow(
      'keys.workflow.yaml',
      `name: keys
description: Keys named like Logseq's.
inputs:
  id: { type: string }
  title: { type: string }
  collapsed: { type: boolean, default: true }
  template: { type: string, default: t }
  backgroundColor: { type: string, default: red }
  version: { type: string, default: 1.2.3 }
stages:
  - id: check
    title: Check
    persona: testing
    steps:
      - id: n
        run: echo 3
    gates:
      - id: enough
        value: "\${{ steps.n.output.stdout }}"
        min: 1
`,
      { registry },
    );
    const engine = new WorkflowEngine({ store: new InMemoryRunStore(), registry, cwd, env: {} });
    const done = await engine.start(workflow, { id: 'abc', title: 'My release' }, 'run-keys');
    const journal = runJournal(done.events, { timeZone: 'UTC' });
    const inputs = byContent(journal.pages[0]!.blocks, 'Inputs')!;
    expect(inputs.properties).toEqual({
      'input-id': 'abc',
      'input-title': 'My release',
      'input-collapsed': 'true',
      'input-template': 't',
      'input-background-color': 'red',
      version: '1.2.3',
    });
    const keys = journal.pages
      .flatMap((p) => allBlocks(p.blocks))
      .flatMap((b) => Object.keys(b.properties));
    for (const key of ['id', 'title', 'collapsed', 'template', 'background-color'])
      expect(keys).not.toContain(key);
  });

  it('gives every page a stable uuid of the run, and links to them by uuid where asked', async () => {
    const { first } = await run();
    const journal = runJournal(first.events, { timeZone: 'UTC' });
    const uuids = journal.pages.map((p) => p.uuid);
    expect(new Set(uuids).size).toBe(journal.pages.length);
    for (const uuid of uuids) expect(isRunBlock(uuid, 'run-1')).toBe(true);
    expect(runJournal(first.events, { timeZone: 'UTC' }).pages.map((p) => p.uuid)).toEqual(uuids);

    const [runPage, prepare] = journal.pages as [JournalPage, JournalPage];
    const link = uuidLinks(journal);
    expect(link(`[[${prepare.name}]] done, as [[backend]]`)).toBe(
      `[[${prepare.uuid}]] done, as [[backend]]`,
    );
    expect(link(journal.journalEntry.block.content)).toContain(`[[${runPage.uuid}]]`);
    expect(link(`[[${runPage.name.toUpperCase()}]]`)).toBe(`[[${runPage.uuid}]]`);
  });

  it('refuses events that are not a run', () => {
    expect(() => runJournal([])).toThrow(/none were given/);
  });
});

describe('writeRunJournal', () => {
  it('writes every page, then the journal block', async () => {
    const { first } = await run();
    const journal = runJournal(first.events);
    const calls: string[] = [];
    const sink: JournalSink = {
      writePage: async (p) => void calls.push(`page ${p.name}`),
      addToJournal: async (date, block) => void calls.push(`journal ${date} ${block.uuid}`),
    };
    await writeRunJournal(journal, sink);
    expect(calls).toEqual([
      ...journal.pages.map((p) => `page ${p.name}`),
      `journal ${journal.journalEntry.date} ${journal.journalEntry.block.uuid}`,
    ]);
  });
});

describe('helpers', () => {
  it('dayOf gives the calendar day in a time zone', () => {
    expect(dayOf('2026-11-25T23:30:00.000Z', 'UTC')).toBe('2026-11-25');
    expect(dayOf('2026-11-25T23:30:00.000Z', 'Pacific/Kiritimati')).toBe('2026-11-26');
    expect(dayOf('2026-11-25T03:30:00.000Z', 'America/Los_Angeles')).toBe('2026-11-24');
  });
  it('formatDuration', () => {
    expect([340, 12_340, 245_000, 3_725_000].map(formatDuration)).toEqual([
      '340 ms',
      '12.3 s',
      '4m 05s',
      '1h 02m',
    ]);
  });
  it('propertyKey turns names into the lower-case kebab keys Logseq keeps', () => {
    expect(['exitCode', 'error_rate', 'gatesPassed', 'min'].map(propertyKey)).toEqual([
      'exit-code',
      'error-rate',
      'gates-passed',
      'min',
    ]);
  });
});
