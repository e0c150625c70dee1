import type { JsonValue, RunEvent, RunEventOf } from '../runs/RunEvent.js';
import { type RunStatus, runStatus } from '../runs/runStatus.js';
import { runBlockUuid } from './blockUuid.js';
import type {
  JournalBlock,
  JournalOptions,
  JournalPage,
  JournalPropertyValue,
  RunJournal,
} from './JournalPage.js';
import { markdownBlocks } from './markdownBlocks.js';

export const DEFAULT_JOURNAL_PREFIX = 'TTA';

/** The name of a run's page: `<prefix>/Runs/<workflow>/<YYYY-MM-DD> <run id>`. */
export function runPageName(prefix: string, workflow: string, date: string, runId: string): string {
  return `${prefix}/Runs/${workflow}/${date} ${runId}`;
}

type Note = RunEventOf<'decision'> | RunEventOf<'learning'>;

type StepOutcome =
  | 'running'
  | 'retrying'
  | 'succeeded'
  | 'skipped'
  | 'failed'
  | 'waiting'
  | 'completed';

interface StepState {
  id: string;
  kind?: string;
  outcome: StepOutcome;
  attempts: number;
  durationMs?: number;
  automated?: boolean;
  error?: string;
  instructions?: string;
  output?: JsonValue;
  by?: string;
  note?: string;
}

interface GateState {
  id: string;
  passed: boolean;
  reason: string;
  metrics: Record<string, number>;
}

interface StageState {
  id: string;
  persona: string;
  started: string;
  completed: boolean;
  durationMs?: number;
  steps: Map<string, StepState>;
  gates: Map<string, GateState>;
  notes: Note[];
  failure?: string;
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
  const started = events.find((e) => e.type === 'run_started');
  if (started?.type !== 'run_started')
    throw new Error(
      events.length === 0
        ? 'a run journal needs the run’s events; none were given'
        : `run "${events[0]!.runId}" has no run_started event`,
    );
  const { runId, workflow } = started;
  const prefix =
    (options.prefix ?? DEFAULT_JOURNAL_PREFIX).replace(/\/+$/, '') || DEFAULT_JOURNAL_PREFIX;
  const date = dayOf(started.time, options.timeZone);
  const runPage = runPageName(prefix, workflow, date, runId);
  const uuid = (key: string) => runBlockUuid(runId, key);
  const status = runStatus(events);

  const stages = new Map<string, StageState>();
  const runNotes: Note[] = [];
  // By step: a journal step run again (a resumed run) rewrites its page.
  const kindPages = new Map<string, RunEventOf<'journal_page'>>();
  let completed: RunEventOf<'run_completed'> | undefined;
  let failed: RunEventOf<'run_failed'> | undefined;
  let cancelled: RunEventOf<'run_cancelled'> | undefined;
  let traceId: string | undefined;

  const stepOf = (stage: string, step: string): StepState => {
    const state = stageOf(stage);
    let found = state.steps.get(step);
    if (found === undefined) {
      found = { id: step, outcome: 'running', attempts: 0 };
      state.steps.set(step, found);
    }
    return found;
  };
  const stageOf = (id: string, persona = '', time = started.time): StageState => {
    let found = stages.get(id);
    if (found === undefined) {
      found = {
        id,
        persona,
        started: time,
        completed: false,
        steps: new Map(),
        gates: new Map(),
        notes: [],
      };
      stages.set(id, found);
    }
    return found;
  };

  for (const event of events) {
    traceId ??= traceIdOf(event);
    switch (event.type) {
      case 'stage_started': {
        const stage = stageOf(event.stage, event.persona, event.time);
        stage.persona = event.persona;
        stage.failure = undefined;
        break;
      }
      case 'step_started': {
        const step = stepOf(event.stage, event.step);
        Object.assign(step, { kind: event.kind, outcome: 'running', attempts: event.attempt });
        break;
      }
      case 'step_failed': {
        const step = stepOf(event.stage, event.step);
        Object.assign(step, { outcome: 'retrying', error: event.error.message });
        break;
      }
      case 'step_succeeded': {
        const step = stepOf(event.stage, event.step);
        const skipped = isSkipped(event.output);
        Object.assign(step, {
          outcome: skipped ? 'skipped' : 'succeeded',
          durationMs: event.durationMs,
          automated: event.automated,
          output: event.output,
          error: undefined,
        });
        break;
      }
      case 'step_suspended': {
        const step = stepOf(event.stage, event.step);
        Object.assign(step, {
          kind: 'agent',
          outcome: 'waiting',
          instructions: event.instructions,
        });
        break;
      }
      case 'step_completed': {
        const step = stepOf(event.stage, event.step);
        Object.assign(step, {
          outcome: 'completed',
          output: event.output,
          by: event.by,
          note: event.note,
        });
        break;
      }
      case 'gate_passed':
      case 'gate_failed':
        stageOf(event.stage).gates.set(event.gate, {
          id: event.gate,
          passed: event.type === 'gate_passed',
          reason: event.reason,
          metrics: event.metrics,
        });
        break;
      case 'decision':
      case 'learning':
        if (event.stage !== undefined && stages.has(event.stage))
          stageOf(event.stage).notes.push(event);
        else runNotes.push(event);
        break;
      case 'journal_page':
        kindPages.delete(`${event.stage}/${event.step}`);
        kindPages.set(`${event.stage}/${event.step}`, event);
        break;
      case 'stage_completed': {
        const stage = stageOf(event.stage);
        stage.completed = true;
        stage.durationMs = event.durationMs;
        break;
      }
      case 'run_completed':
        completed = event;
        break;
      case 'run_failed':
        failed = event;
        if (event.stage !== undefined) {
          const stage = stageOf(event.stage);
          stage.failure = event.error.message;
          if (event.step !== undefined && stage.steps.has(event.step))
            Object.assign(stepOf(event.stage, event.step), {
              outcome: 'failed',
              error: event.error.message,
            });
        }
        break;
      case 'run_cancelled':
        cancelled = event;
        break;
      default:
        break;
    }
  }
  // A step that failed without stopping the run (continueOnError) stays failed.
  for (const stage of stages.values())
    for (const step of stage.steps.values())
      if (step.outcome === 'retrying') step.outcome = 'failed';

  const last = events.at(-1)!;
  const durationMs = completed?.durationMs ?? Date.parse(last.time) - Date.parse(started.time);
  const counts = stepCounts(stages);
  const gatesPassed = events.filter((e) => e.type === 'gate_passed').length;
  const gatesFailed = events.filter((e) => e.type === 'gate_failed').length;
  const metrics = completed?.metrics ?? {};
  const tokens = tokensOf(metrics.tokens);
  const automation =
    typeof metrics.automation === 'number'
      ? metrics.automation
      : counts.done === 0
        ? 0
        : Math.round((counts.automated / counts.done) * 1000) / 1000;

  const stagePageName = (stage: string) => `${runPage}/${stage}`;
  const kindPageNames = uniqueNames(
    [...kindPages.values()].map((p) => `${runPage}/${pageTitle(p.title)}`),
  );

  const runProperties: Record<string, JournalPropertyValue> = {
    tags: ['tta-run'],
    workflow,
    'run-id': runId,
    status,
    started: started.time,
    duration: formatDuration(durationMs),
    personas: [...new Set(started.personas)],
    automation: `${Math.round(automation * 100)}%`,
    gates: `${gatesPassed} passed, ${gatesFailed} failed`,
  };
  if (tokens !== undefined) runProperties.tokens = tokens;
  if (traceId !== undefined) runProperties['trace-id'] = traceId;

  const runBlocks: JournalBlock[] = [
    block(
      uuid('summary'),
      `**${workflow}** ${statusText(status)} in ${formatDuration(durationMs)}`,
      {},
      [
        ...(Object.keys(started.inputs).length === 0
          ? []
          : [block(uuid('inputs'), 'Inputs', propertiesOf(started.inputs))]),
      ],
    ),
    block(
      uuid('stages'),
      'Stages',
      {},
      [...stages.values()].map((stage) =>
        block(
          uuid(`stages/${stage.id}`),
          `[[${stagePageName(stage.id)}]] ${stageStatus(stage, status)}${
            stage.durationMs === undefined ? '' : ` in ${formatDuration(stage.durationMs)}`
          }, as [[${stage.persona}]]`,
        ),
      ),
    ),
  ];
  if (failed !== undefined && status === 'failed')
    runBlocks.push(
      block(
        uuid('failure'),
        `Failed${failed.stage === undefined ? '' : ` in stage ${failed.stage}`}${
          failed.step === undefined ? '' : `, step ${failed.step}`
        }: ${failed.error.message}`,
        { error: failed.error.name },
      ),
    );
  if (cancelled !== undefined)
    runBlocks.push(block(uuid('cancelled'), `Cancelled: ${cancelled.reason}`));
  if (Object.keys(metrics).length > 0)
    runBlocks.push(block(uuid('metrics'), 'Metrics', propertiesOf(metrics)));
  if (kindPages.size > 0)
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
    { name: runPage, properties: runProperties, blocks: runBlocks },
    ...[...stages.values()].map((stage) =>
      stagePage(stage, stagePageName(stage.id), runPage, stageStatus(stage, status), uuid),
    ),
    ...[...kindPages.values()].map((event, i) => ({
      name: kindPageNames[i]!,
      properties: {
        tags: ['tta-page'],
        run: `[[${runPage}]]`,
        stage: event.stage,
        step: event.step,
      },
      blocks: markdownBlocks(event.content, (path) =>
        uuid(`page/${event.stage}/${event.step}/${path}`),
      ),
    })),
  ];

  return {
    runId,
    pages,
    journalEntry: {
      date,
      block: block(
        uuid('journal'),
        `[[${runPage}]] ${workflow} ${statusText(status)} in ${formatDuration(durationMs)}`,
      ),
    },
  };
}

function stagePage(
  stage: StageState,
  name: string,
  runPage: string,
  status: string,
  uuid: (key: string) => string,
): JournalPage {
  const key = `stage/${stage.id}`;
  const properties: Record<string, JournalPropertyValue> = {
    tags: ['tta-stage'],
    run: `[[${runPage}]]`,
    stage: stage.id,
    persona: [stage.persona],
    status,
    started: stage.started,
  };
  if (stage.durationMs !== undefined) properties.duration = formatDuration(stage.durationMs);
  const blocks: JournalBlock[] = [
    block(
      uuid(`${key}/steps`),
      'Steps',
      {},
      [...stage.steps.values()].map((step) => stepBlock(step, `${key}/step/${step.id}`, uuid)),
    ),
  ];
  if (stage.gates.size > 0)
    blocks.push(
      block(
        uuid(`${key}/gates`),
        'Gates',
        {},
        [...stage.gates.values()].map((gate) =>
          block(
            uuid(`${key}/gate/${gate.id}`),
            `**${gate.id}** ${gate.passed ? 'passed' : 'failed'}: ${gate.reason}`,
            {
              gate: gate.id,
              result: gate.passed ? 'passed' : 'failed',
              ...propertiesOf(gate.metrics),
            },
          ),
        ),
      ),
    );
  if (stage.failure !== undefined)
    blocks.push(block(uuid(`${key}/failure`), `Failed: ${stage.failure}`));
  blocks.push(...stage.notes.map((note) => noteBlock(note, uuid)));
  return { name, properties, blocks };
}

function stepBlock(step: StepState, key: string, uuid: (key: string) => string): JournalBlock {
  const properties: Record<string, string> = { step: step.id, outcome: step.outcome };
  if (step.kind !== undefined) properties.kind = step.kind;
  if (step.attempts > 1) properties.attempts = String(step.attempts);
  if (step.by !== undefined) properties.by = step.by;
  const detail =
    step.outcome === 'succeeded'
      ? `succeeded in ${formatDuration(step.durationMs ?? 0)}`
      : step.outcome === 'completed'
        ? `completed by ${step.by}`
        : step.outcome === 'failed'
          ? `failed: ${step.error ?? 'unknown error'}`
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

function noteBlock(note: Note, uuid: (key: string) => string): JournalBlock {
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

/** JSON values as block properties: scalar values only, keys as Logseq keeps them. */
function propertiesOf(values: Record<string, JsonValue>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === null || typeof value === 'object') continue;
    const text = String(value)
      .replace(/\s*\n\s*/g, ' ')
      .trim();
    if (text !== '') out[propertyKey(key)] = text;
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
    default:
      return status;
  }
}

function stageStatus(stage: StageState, run: RunStatus): string {
  if (stage.completed) return 'completed';
  if ([...stage.gates.values()].some((g) => !g.passed)) return 'gate_failed';
  if (
    stage.failure !== undefined ||
    [...stage.steps.values()].some((s) => s.outcome === 'failed' && run === 'failed')
  )
    return 'failed';
  if ([...stage.steps.values()].some((s) => s.outcome === 'waiting')) return 'suspended';
  return run === 'cancelled' ? 'cancelled' : 'running';
}

function stepCounts(stages: Map<string, StageState>): { done: number; automated: number } {
  let done = 0;
  let automated = 0;
  for (const stage of stages.values())
    for (const step of stage.steps.values()) {
      if (
        step.outcome === 'succeeded' ||
        step.outcome === 'skipped' ||
        step.outcome === 'completed'
      )
        done++;
      if ((step.outcome === 'succeeded' || step.outcome === 'skipped') && step.automated)
        automated++;
    }
  return { done, automated };
}

function isSkipped(output: JsonValue): boolean {
  return (
    typeof output === 'object' &&
    output !== null &&
    !Array.isArray(output) &&
    output.skipped === true
  );
}

/** A token count as the engine may measure it: a number, or `{ total }`/`{ input, output }`. */
function tokensOf(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  if (typeof value.total === 'number') return value.total;
  const parts = Object.values(value).filter((v): v is number => typeof v === 'number');
  return parts.length === 0 ? undefined : parts.reduce((a, b) => a + b, 0);
}

/** The trace id an event carries, if any (`traceId`, or `trace: { traceId }`). */
function traceIdOf(event: RunEvent): string | undefined {
  const e = event as unknown as Record<string, unknown>;
  if (typeof e.traceId === 'string' && e.traceId !== '') return e.traceId;
  const trace = e.trace;
  if (typeof trace === 'object' && trace !== null) {
    const id = (trace as Record<string, unknown>).traceId;
    if (typeof id === 'string' && id !== '') return id;
  }
  return undefined;
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
