import { foldRun } from '../runs/foldRun.js';
import type { JsonValue, RunEvent } from '../runs/RunEvent.js';
import type { NoteState, RunStatus, StageState, StepState } from '../runs/RunState.js';
import { runMetrics, stageWorkMs } from '../runs/runMetrics.js';
import { runBlockUuid } from './blockUuid.js';
import type {
  JournalBlock,
  JournalOptions,
  JournalPage,
  JournalPropertyValue,
  RunJournal,
} from './JournalPage.js';
import { markdownBlocks } from './markdownBlocks.js';
import { userPropertyKey } from './reservedProperties.js';

export const DEFAULT_JOURNAL_PREFIX = 'TTA';

/** The name of a run's page: `<prefix>/Runs/<workflow>/<YYYY-MM-DD> <run id>`. */
export function runPageName(prefix: string, workflow: string, date: string, runId: string): string {
  return `${prefix}/Runs/${workflow}/${date} ${runId}`;
}

/**
 * A run's pages, from its events (pure: the same events give the same pages, uuids included):
 *
 * - the run page, with the run's properties (workflow, status, duration, personas, automation,
 *   gates, tokens, trace id), its inputs, a line per stage, the failure if any, and decisions
 *   and learnings not tied to a stage;
 * - a page per stage begun, under the run page: persona, each step with its outcome, each gate
 *   with its values and reason, and the stage's `#decision` and `#learning` blocks;
 * - a page per `journal_page` event (release notes, incident, post-mortem), under the run page;
 * - a block for the journal page of the day the run started, linking to the run page.
 */
export function runJournal(events: readonly RunEvent[], options: JournalOptions = {}): RunJournal {
  if (events.length === 0) throw new Error('a run journal needs the run’s events; none were given');
  const state = foldRun(events)!;
  const { runId, workflow, status } = state;
  const prefix =
    (options.prefix ?? DEFAULT_JOURNAL_PREFIX).replace(/\/+$/, '') || DEFAULT_JOURNAL_PREFIX;
  const date = dayOf(state.started, options.timeZone);
  const runPage = runPageName(prefix, workflow, date, runId);
  const uuid = (key: string) => runBlockUuid(runId, key);
  const metrics = runMetrics(state);
  const durationMs = metrics.workMs;
  const took = `in ${formatDuration(durationMs)}`;
  // Notes of a stage go to its page; the others to the run page.
  const begun = new Set(state.stages.map((s) => s.id));
  const runNotes = state.notes.filter((n) => n.stage === undefined || !begun.has(n.stage));

  const stagePageName = (stage: string) => `${runPage}/${stage}`;
  const kindPageNames = uniqueNames(state.pages.map((p) => `${runPage}/${pageTitle(p.title)}`));

  const runProperties: Record<string, JournalPropertyValue> = {
    tags: ['tta-run'],
    workflow,
    'run-id': runId,
    status,
    started: state.started,
    duration: formatDuration(durationMs),
    personas: [...new Set(state.personas)],
    automation: `${Math.round(metrics.automation * 100)}%`,
    gates: `${metrics.gatesPassed} passed, ${metrics.gatesFailed} failed`,
  };
  // The time people took, once they have answered (a wait going on would change every page).
  if (metrics.waitMs > 0 && status !== 'suspended')
    runProperties.waited = formatDuration(metrics.waitMs);
  if (metrics.tokens > 0) runProperties.tokens = metrics.tokens;
  if (state.trace !== undefined) runProperties['trace-id'] = state.trace.traceId;

  const runBlocks: JournalBlock[] = [
    block(uuid('summary'), `**${workflow}** ${statusText(status)} ${took}`, {}, [
      ...(Object.keys(state.inputs).length === 0
        ? []
        : [block(uuid('inputs'), 'Inputs', propertiesOf(state.inputs, 'input'))]),
    ]),
    block(
      uuid('stages'),
      'Stages',
      {},
      state.stages.map((stage) =>
        block(
          uuid(`stages/${stage.id}`),
          `[[${stagePageName(stage.id)}]] ${stage.status}${
            stage.status === 'completed' ? ` in ${formatDuration(stageWorkMs(stage))}` : ''
          }, as [[${stage.persona}]]`,
        ),
      ),
    ),
  ];
  const failure = state.failure;
  if (failure !== undefined && status === 'failed')
    runBlocks.push(
      block(
        uuid('failure'),
        `Failed${failure.stage === undefined ? '' : ` in stage ${failure.stage}`}${
          failure.step === undefined ? '' : `, step ${failure.step}`
        }: ${failure.error.message}`,
        { error: failure.error.name },
      ),
    );
  if (state.cancelled !== undefined)
    runBlocks.push(block(uuid('cancelled'), `Cancelled: ${state.cancelled.reason}`));
  if (state.completed !== undefined)
    runBlocks.push(
      block(uuid('metrics'), 'Metrics', propertiesOf(state.completed.metrics, 'metric')),
    );
  if (state.pages.length > 0)
    runBlocks.push(
      block(
        uuid('pages'),
        'Pages',
        {},
        kindPageNames.map((name, i) => block(uuid(`pages/${i}`), `[[${name}]]`)),
      ),
    );
  runBlocks.push(...runNotes.map((note) => noteBlock(note, uuid)));

  const pages: JournalPage[] = [
    { name: runPage, uuid: uuid('page:run'), properties: runProperties, blocks: runBlocks },
    ...state.stages.map((stage) =>
      stagePage(
        stage,
        state.notes.filter((n) => n.stage === stage.id),
        stagePageName(stage.id),
        runPage,
        uuid,
      ),
    ),
    ...state.pages.map((page, i) => ({
      name: kindPageNames[i]!,
      uuid: uuid(`page:${i}`),
      properties: {
        tags: ['tta-page'],
        run: `[[${runPage}]]`,
        stage: page.stage,
        step: page.step,
      },
      blocks: markdownBlocks(page.content, (path) =>
        uuid(`page/${page.stage}/${page.step}/${path}`),
      ),
    })),
  ];

  return {
    runId,
    pages,
    journalEntry: {
      date,
      block: block(uuid('journal'), `[[${runPage}]] ${workflow} ${statusText(status)} ${took}`),
    },
  };
}

function stagePage(
  stage: StageState,
  notes: readonly NoteState[],
  name: string,
  runPage: string,
  uuid: (key: string) => string,
): JournalPage {
  const key = `stage/${stage.id}`;
  const properties: Record<string, JournalPropertyValue> = {
    tags: ['tta-stage'],
    run: `[[${runPage}]]`,
    stage: stage.id,
    persona: [stage.persona],
    status: stage.status,
    started: stage.started,
  };
  if (stage.status === 'completed') properties.duration = formatDuration(stageWorkMs(stage));
  const blocks: JournalBlock[] = [
    block(
      uuid(`${key}/steps`),
      'Steps',
      {},
      stage.steps.map((step) => stepBlock(step, `${key}/step/${step.id}`, uuid)),
    ),
  ];
  if (stage.gates.length > 0)
    blocks.push(
      block(
        uuid(`${key}/gates`),
        'Gates',
        {},
        stage.gates.map((gate) =>
          block(
            uuid(`${key}/gate/${gate.id}`),
            `**${gate.id}** ${gate.passed ? 'passed' : 'failed'}: ${gate.reason}`,
            {
              gate: gate.id,
              result: gate.passed ? 'passed' : 'failed',
              ...propertiesOf(gate.metrics, 'metric'),
            },
          ),
        ),
      ),
    );
  if (stage.failure !== undefined)
    blocks.push(block(uuid(`${key}/failure`), `Failed: ${stage.failure}`));
  blocks.push(...notes.map((note) => noteBlock(note, uuid)));
  return { name, uuid: uuid(`page:${key}`), properties, blocks };
}

function stepBlock(step: StepState, key: string, uuid: (key: string) => string): JournalBlock {
  const properties: Record<string, string> = { step: step.id, outcome: step.outcome };
  if (step.kind !== undefined) properties.kind = step.kind;
  if (step.attempts > 1) properties.attempts = String(step.attempts);
  if (step.by !== undefined) properties.by = step.by;
  const detail =
    step.outcome === 'succeeded'
      ? `succeeded in ${formatDuration(step.durationMs)}`
      : step.outcome === 'completed'
        ? `completed by ${step.by}`
        : step.outcome === 'failed'
          ? `failed: ${step.error?.message ?? 'unknown error'}`
          : step.outcome === 'waiting'
            ? 'waiting for an assistant or a person'
            : step.outcome;
  const children: JournalBlock[] = [];
  if (step.outcome === 'waiting' && step.instructions)
    children.push(...markdownBlocks(step.instructions, (p) => uuid(`${key}/instructions/${p}`)));
  if (step.note !== undefined) children.push(block(uuid(`${key}/note`), step.note));
  // What an assistant or a person handed in is knowledge worth keeping; command output is not.
  if (step.outcome === 'completed' && step.output !== undefined && step.output !== null) {
    const text =
      typeof step.output === 'string'
        ? step.output
        : `\`\`\`json\n${truncate(JSON.stringify(step.output, null, 2), 4000)}\n\`\`\``;
    if (text.trim() !== '')
      children.push(...markdownBlocks(text, (p) => uuid(`${key}/output/${p}`)));
  }
  return block(uuid(key), `**${step.id}** ${detail}`, properties, children);
}

function noteBlock(note: NoteState, uuid: (key: string) => string): JournalBlock {
  const [first, ...rest] = note.text.trim().split(/\n\s*\n/);
  return block(
    uuid(`${note.type}/${note.seq}`),
    `#${note.type} ${first}`,
    { by: note.by },
    rest.length === 0
      ? []
      : markdownBlocks(rest.join('\n\n'), (p) => uuid(`${note.type}/${note.seq}/${p}`)),
  );
}

function block(
  uuid: string,
  content: string,
  properties: Record<string, string> = {},
  children: JournalBlock[] = [],
): JournalBlock {
  return { uuid, content, properties, children };
}

/**
 * JSON values (inputs, metrics) as block properties: scalar values only, keys as Logseq keeps
 * them, none of them one of Logseq's own (`kind` goes before those: `input-id`).
 */
function propertiesOf(values: Record<string, JsonValue>, kind: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === null || typeof value === 'object') continue;
    const text = String(value)
      .replace(/\s*\n\s*/g, ' ')
      .trim();
    if (text !== '') out[userPropertyKey(propertyKey(key), kind)] = text;
  }
  return out;
}

/** `exitCode`, `error_rate` → `exit-code`, `error-rate`: Logseq lower-cases property keys. */
export function propertyKey(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
}

function statusText(status: RunStatus): string {
  switch (status) {
    case 'gate_failed':
      return 'stopped at a gate';
    case 'suspended':
      return 'waiting for a step';
    case 'queued':
      return 'queued for a worker';
    default:
      return status;
  }
}

/** A page title a person gave: no link or tag syntax, no namespace separators, one line. */
function pageTitle(title: string): string {
  return (
    title
      .replace(/[[\]#|\r\n]+/g, ' ')
      .replace(/\//g, '-')
      .replace(/\s+/g, ' ')
      .trim() || 'Page'
  );
}

/** Logseq page names are case-insensitive: a second "Notes" becomes "Notes (2)". */
function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const key = name.toLowerCase();
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n === 1 ? name : `${name} (${n})`;
  });
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}\n…`;
}

/** `340 ms`, `12.3 s`, `4m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(Math.round(ms / 100) / 10).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600)
    return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** The calendar day (YYYY-MM-DD) of an ISO time in a time zone (default: the local one). */
export function dayOf(iso: string, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    ...(timeZone === undefined ? {} : { timeZone }),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}
