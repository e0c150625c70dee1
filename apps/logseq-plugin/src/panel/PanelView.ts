import type { RunStatus } from '@tta-dev/workflows/journal';
import type { Connection } from '../runs/LiveRuns.js';
import type { RunView, StageView, StepView } from './runView.js';

export interface PanelModel {
  runs: readonly RunView[];
  selected: string | undefined;
  connection: Connection;
  serverUrl: string;
  /** The last thing that went wrong, shown until the next success. */
  error: string | undefined;
  /** Steps being completed (`<run>/<step>`): their button waits. */
  completing: ReadonlySet<string>;
}

export interface PanelActions {
  /** Selects the run and opens its page. */
  select(runId: string): void;
  complete(runId: string, step: string, output: string, note: string): void;
  close(): void;
}

const STATUS_TEXT: Record<RunStatus, string> = {
  queued: 'queued for a worker',
  running: 'running',
  suspended: 'waiting',
  gate_failed: 'stopped at a gate',
  failed: 'failed',
  completed: 'completed',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
  unreadable: 'unreadable',
};

/**
 * The sidebar panel, drawn into the plugin's own page (Logseq shows it as the plugin's main UI):
 * the runs, newest first, each with its stages (persona, gates); the selected run with its steps
 * and, for an `agent` step waiting on a person, a box for its output and a button to complete it.
 * Drawn anew on every change; what a person is typing survives (drafts and focus are kept).
 */
export class PanelView {
  readonly #root: HTMLElement;
  readonly #actions: PanelActions;
  readonly #drafts = new Map<string, string>();

  constructor(root: HTMLElement, actions: PanelActions) {
    this.#root = root;
    this.#actions = actions;
    root.addEventListener('input', (e) => {
      const field = e.target as HTMLInputElement | HTMLTextAreaElement;
      const key = field.dataset.draft;
      if (key !== undefined) this.#drafts.set(key, field.value);
    });
  }

  render(model: PanelModel): void {
    const focused = document.activeElement as HTMLElement | null;
    const focusKey = focused?.dataset?.draft;
    const selection =
      focused instanceof HTMLTextAreaElement || focused instanceof HTMLInputElement
        ? [focused.selectionStart, focused.selectionEnd]
        : undefined;

    this.#root.replaceChildren(
      h(
        'div',
        { class: 'tta-panel' },
        this.#header(model),
        model.error === undefined ? null : h('p', { class: 'error', role: 'alert' }, model.error),
        model.runs.length === 0
          ? h(
              'p',
              { class: 'empty' },
              model.connection.state === 'live'
                ? 'No workflow runs yet. Start one with `tta workflow run`.'
                : 'No runs to show.',
            )
          : h('ul', { class: 'runs' }, ...model.runs.map((run) => this.#run(run, model))),
      ),
    );

    if (focusKey !== undefined) {
      const again = this.#root.querySelector<HTMLInputElement | HTMLTextAreaElement>(
        `[data-draft="${CSS.escape(focusKey)}"]`,
      );
      again?.focus();
      if (again !== null && again !== undefined && selection !== undefined)
        again.setSelectionRange(selection[0] ?? null, selection[1] ?? null);
    }
  }

  #header(model: PanelModel): HTMLElement {
    const c = model.connection;
    const [state, text] =
      c.state === 'live'
        ? ['live', 'live']
        : c.state === 'connecting'
          ? ['connecting', 'connecting…']
          : ['offline', `offline, retrying in ${Math.round(c.retryInMs / 1000)} s`];
    const close = h('button', { class: 'close', type: 'button', title: 'Close' }, '✕');
    close.addEventListener('click', () => this.#actions.close());
    return h(
      'header',
      {},
      h('h1', {}, 'TTA workflow runs'),
      h(
        'span',
        {
          class: `connection connection-${state}`,
          title: c.state === 'offline' ? `${model.serverUrl}: ${c.error}` : model.serverUrl,
        },
        text,
      ),
      close,
    );
  }

  #run(run: RunView, model: PanelModel): HTMLElement {
    const selected = run.runId === model.selected;
    const head = h(
      'button',
      { class: 'run-head', type: 'button', title: `Open the page of run ${run.runId}` },
      h('span', { class: 'workflow' }, run.workflow),
      h('span', { class: `status status-${run.status}` }, STATUS_TEXT[run.status]),
      h('span', { class: 'run-id' }, run.runId),
      h('time', { datetime: run.started }, new Date(run.started).toLocaleString()),
    );
    head.addEventListener('click', () => this.#actions.select(run.runId));
    return h(
      'li',
      { class: `run${selected ? ' selected' : ''}`, 'data-run-id': run.runId },
      head,
      run.detailed
        ? h(
            'ol',
            { class: 'stages' },
            ...run.stages.map((s) => this.#stage(run, s, selected, model)),
          )
        : h('p', { class: 'loading' }, run.stage === undefined ? '' : `stage ${run.stage}`),
    );
  }

  #stage(run: RunView, stage: StageView, selected: boolean, model: PanelModel): HTMLElement {
    return h(
      'li',
      { class: `stage stage-${stage.state}`, 'data-stage': stage.id },
      h(
        'div',
        { class: 'stage-head' },
        h('span', { class: 'stage-id' }, stage.id),
        h('span', { class: 'persona', title: 'persona' }, stage.persona),
        h('span', { class: 'stage-state' }, STATUS_TEXT[stage.state]),
      ),
      stage.gates.length === 0
        ? null
        : h(
            'ul',
            { class: 'gates' },
            ...stage.gates.map((g) =>
              h(
                'li',
                { class: `gate gate-${g.passed ? 'passed' : 'failed'}`, title: g.reason },
                `${g.passed ? '✓' : '✗'} ${g.id}`,
                selected ? h('span', { class: 'reason' }, `: ${g.reason}`) : null,
              ),
            ),
          ),
      selected
        ? h('ul', { class: 'steps' }, ...stage.steps.map((step) => this.#step(run, step, model)))
        : null,
    );
  }

  #step(run: RunView, step: StepView, model: PanelModel): HTMLElement {
    const item = h(
      'li',
      { class: `step step-${step.state}`, 'data-step': step.id },
      h('span', { class: 'step-id' }, step.id),
      h(
        'span',
        { class: 'step-state' },
        step.state === 'completed' ? `completed by ${step.by}` : step.state,
      ),
      step.error === undefined ? null : h('span', { class: 'step-error' }, step.error),
    );
    if (step.state !== 'waiting') return item;
    const key = `${run.runId}/${step.id}`;
    const output = h('textarea', {
      name: 'output',
      rows: '5',
      placeholder: 'Output: text, or JSON',
      'data-draft': `${key}/output`,
    }) as HTMLTextAreaElement;
    output.value = this.#drafts.get(`${key}/output`) ?? '';
    const note = h('input', {
      name: 'note',
      type: 'text',
      placeholder: 'Note (optional)',
      'data-draft': `${key}/note`,
    }) as HTMLInputElement;
    note.value = this.#drafts.get(`${key}/note`) ?? '';
    const busy = model.completing.has(key);
    const button = h(
      'button',
      { type: 'submit', class: 'complete', ...(busy ? { disabled: '' } : {}) },
      busy ? 'Completing…' : 'Complete step',
    );
    const form = h(
      'form',
      { class: 'complete-step' },
      step.instructions === undefined ? null : h('p', { class: 'instructions' }, step.instructions),
      output,
      note,
      button,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.#actions.complete(run.runId, step.id, output.value, note.value);
    });
    item.append(form);
    return item;
  }

  /** Forgets what was typed for a step (once it is completed). */
  clearDrafts(runId: string, step: string): void {
    this.#drafts.delete(`${runId}/${step}/output`);
    this.#drafts.delete(`${runId}/${step}/note`);
  }
}

type Child = Node | string | null;

function h(tag: string, attributes: Record<string, string>, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child !== null) element.append(child);
  return element;
}
