import { fileBlockText } from '@tta-dev/integrations/logseq';
import type { RunEvent } from '@tta-dev/workflows';
import type { LogseqHost } from '../logseq/LogseqHost.js';
import { propertyOf } from '../logseq/properties.js';
import { runView, type StageView } from '../panel/runView.js';
import type { NoteInput } from '../runs/RunServerClient.js';

export type NoteKind = 'decision' | 'learning' | 'stage-summary';

/** The slash commands, by label. */
export const NOTE_COMMANDS: readonly { label: string; kind: NoteKind }[] = [
  { label: 'TTA: Decision', kind: 'decision' },
  { label: 'TTA: Learning', kind: 'learning' },
  { label: 'TTA: Stage summary', kind: 'stage-summary' },
];

/** Who the notes are recorded as being by. */
export const NOTE_AUTHOR = 'logseq';

/** The run (and stage) a note belongs to. */
export interface NoteContext {
  runId: string;
  stage?: string;
}

export interface NoteCommandDeps {
  logseq: Pick<LogseqHost, 'Editor' | 'App' | 'UI'>;
  /** Records the note in the run (the run server's notes endpoint). */
  addNote(runId: string, note: NoteInput): Promise<void>;
  /** The run's events (for a stage summary). */
  runEvents(runId: string): Promise<readonly RunEvent[]>;
  /** The run selected in the panel, when the block's page is not a run's. */
  selectedRun(): NoteContext | undefined;
}

const PROPERTY_LINE = /^([A-Za-z0-9_.-]+):: ?(.*)$/;
const NOTE_TAG = /^#(decision|learning|stage-summary)\s+/;

/**
 * Runs a note command on the block being edited: its text becomes a `#decision`, `#learning` or
 * `#stage-summary` block with `run-id::`, `stage::` and `by::` properties, recorded in the run
 * first (so nothing is shown as recorded that was not). The run is the block's page's (a run or
 * stage page the journal wrote), else the one selected in the panel. A stage summary of an empty
 * block is written from the stage's steps and gates. Returns the note sent, if any.
 */
export async function runNoteCommand(
  kind: NoteKind,
  uuid: string,
  deps: NoteCommandDeps,
): Promise<NoteInput | undefined> {
  const { Editor, App, UI } = deps.logseq;
  const editing = (await Editor.checkEditing()) === uuid;
  const block = await Editor.getBlock(uuid);
  const stored = splitBlockText(block?.content ?? block?.title ?? '');
  // The editor may hold newer text than the block, but not its hidden properties (`id::`).
  const current = editing ? splitBlockText(await Editor.getEditingBlockContent()) : stored;
  const typed = current.text;
  const kept = { ...stored.properties, ...current.properties };
  const context = (await noteContext(deps.logseq, uuid)) ?? deps.selectedRun();
  if (context === undefined) {
    await UI.showMsg(
      'TTA: open a run’s page, or select a run in the TTA panel, to record a note in it',
      'warning',
    );
    return undefined;
  }
  let text = typed;
  let stage = context.stage;
  if (kind === 'stage-summary') {
    const view = runView(await deps.runEvents(context.runId));
    const summarized = view.stages.find((s) => s.id === (stage ?? view.stage));
    if (summarized === undefined) {
      await UI.showMsg(`TTA: run ${context.runId} has no stage to summarize yet`, 'warning');
      return undefined;
    }
    stage = summarized.id;
    if (text === '') text = stageSummary(summarized);
  }
  if (text === '') {
    await UI.showMsg(`TTA: write the ${kind} in the block first, then run the command`, 'warning');
    return undefined;
  }
  const note: NoteInput = {
    kind: kind === 'decision' ? 'decision' : 'learning',
    text: kind === 'stage-summary' ? `Summary of stage ${stage}: ${text}` : text,
    ...(stage === undefined ? {} : { stage }),
    by: NOTE_AUTHOR,
  };
  try {
    await deps.addNote(context.runId, note);
  } catch (error) {
    await UI.showMsg(`TTA: the ${kind} was not recorded: ${(error as Error).message}`, 'error');
    return undefined;
  }
  const content = `#${kind} ${text}`;
  const properties: Record<string, string> = {
    'run-id': context.runId,
    ...(stage === undefined ? {} : { stage }),
    by: NOTE_AUTHOR,
  };
  // Logseq saves the editor's text when editing stops: stop first, then write the block.
  if (editing) await Editor.exitEditingMode();
  if (await App.checkCurrentIsDbGraph()) {
    await Editor.updateBlock(uuid, content);
    for (const [key, value] of Object.entries(properties))
      await Editor.upsertBlockProperty(uuid, key, value);
  } else {
    // Escaped as the file writer escapes text: Logseq re-reads the file, where a line of the
    // note starting `- ` or `# ` would become a block of its own, without an id.
    await Editor.updateBlock(uuid, fileBlockText(content, { ...kept, ...properties }));
  }
  await UI.showMsg(`TTA: ${kind} recorded in run ${context.runId}`, 'success');
  return note;
}

/**
 * The run and stage of a block: its own properties, else its page's (a run or stage page). File
 * graphs give an entity's properties with it; DB graphs only through `getBlockProperties` and
 * `getPageProperties`.
 */
export async function noteContext(
  logseq: Pick<LogseqHost, 'Editor' | 'App'>,
  uuid: string,
): Promise<NoteContext | undefined> {
  const { Editor, App } = logseq;
  const db = await App.checkCurrentIsDbGraph();
  const block = await Editor.getBlock(uuid);
  if (block === null) return undefined;
  const own = db ? await Editor.getBlockProperties(uuid) : block.properties;
  const ownRun = propertyOf(own ?? undefined, 'run-id');
  if (ownRun !== undefined) return withStage(ownRun, propertyOf(own ?? undefined, 'stage'));
  const pageId = typeof block.page === 'number' ? block.page : block.page?.id;
  if (pageId === undefined) return undefined;
  const pageProperties = async (id: string | number) =>
    (db ? await Editor.getPageProperties(id) : (await Editor.getPage(id))?.properties) ?? undefined;
  const page = await pageProperties(pageId);
  const stage = propertyOf(page, 'stage');
  const runId = propertyOf(page, 'run-id');
  if (runId !== undefined) return withStage(runId, stage);
  // A stage page links its run's page (`run:: [[…]]`, by name or, in DB graphs, by uuid).
  const run = propertyOf(page, 'run');
  if (run === undefined) return undefined;
  const linked = propertyOf(await pageProperties(run.replace(/^\[\[|\]\]$/g, '')), 'run-id');
  return linked === undefined ? undefined : withStage(linked, stage);
}

/** A stage in one line: its persona, its steps' outcomes, its gates. */
export function stageSummary(stage: StageView): string {
  const steps = stage.steps.map((s) => `${s.id} ${s.state}`).join(', ');
  const gates = stage.gates
    .map((g) => `${g.id} ${g.passed ? 'passed' : 'failed'} (${g.reason})`)
    .join(', ');
  return `${stage.id} ${stage.state} as ${stage.persona}${steps === '' ? '' : `; steps: ${steps}`}${
    gates === '' ? '' : `; gates: ${gates}`
  }`;
}

/**
 * A block's text without its property lines (kept apart, to be written back: `id::` keeps the
 * block's references working) and without a note tag it already has.
 */
export function splitBlockText(raw: string): { text: string; properties: Record<string, string> } {
  const properties: Record<string, string> = {};
  const lines: string[] = [];
  for (const line of raw.split('\n')) {
    const match = PROPERTY_LINE.exec(line.trim());
    if (match === null) lines.push(line);
    else properties[match[1]!] = match[2]!;
  }
  return { text: lines.join('\n').trim().replace(NOTE_TAG, '').trim(), properties };
}

function withStage(runId: string, stage: string | undefined): NoteContext {
  return stage === undefined ? { runId } : { runId, stage };
}
