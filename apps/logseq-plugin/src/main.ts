import '@logseq/libs';
import './panel/panel.css';
import { LogseqApiSink } from '@tta-dev/integrations/logseq';
import { NOTE_AUTHOR, NOTE_COMMANDS, runNoteCommand } from './commands/noteCommands.js';
import { RunPages } from './journal/RunPages.js';
import { callOf } from './logseq/callOf.js';
import { fromLogseq } from './logseq/fromLogseq.js';
import { PanelView } from './panel/PanelView.js';
import { parseOutput } from './panel/parseOutput.js';
import { RunsState } from './panel/RunsState.js';
import { type Connection, LiveRuns } from './runs/LiveRuns.js';
import { RunServerClient } from './runs/RunServerClient.js';
import { type PluginSettings, readSettings, SETTINGS_SCHEMA } from './settings.js';

/** The panel's place: a sidebar on the right, under Logseq's header bar. */
const PANEL_STYLE = {
  position: 'fixed',
  top: '48px',
  right: '0',
  bottom: '0',
  left: 'auto',
  width: '420px',
  height: 'auto',
  zIndex: '11',
} as const;

function main(): void {
  const host = fromLogseq(logseq);
  const state = new RunsState();
  let error: string | undefined;
  let settings: PluginSettings;
  try {
    settings = readSettings(logseq.settings);
  } catch (e) {
    // A bad address: say so in the panel, and use the default one until it is fixed.
    error = (e as Error).message;
    settings = readSettings({ ...logseq.settings, serverUrl: undefined });
  }
  let sink = new LogseqApiSink(callOf(logseq));
  let client = new RunServerClient({ baseUrl: settings.serverUrl, token: settings.token });
  let connection: Connection = { state: 'connecting' };
  const completing = new Set<string>();

  const report = (message: string) => {
    error = message;
    render();
    void logseq.UI.showMsg(`TTA: ${message}`, 'error');
  };

  const pages = new RunPages({
    events: (runId) => state.events(runId),
    sink: () => sink,
    prefix: () => settings.pagePrefix,
    onError: (e) => report(e.message),
  });

  const view = new PanelView(document.getElementById('app')!, {
    select: (runId) => void openRun(runId),
    complete: (runId, step, output, note) => void complete(runId, step, output, note),
    close: () => logseq.hideMainUI({ restoreEditingCursor: true }),
  });
  const render = () =>
    view.render({
      runs: state.views(),
      selected: state.selected,
      connection,
      serverUrl: client.baseUrl,
      error,
      completing,
    });
  state.subscribe(render);

  const follow = () =>
    new LiveRuns({
      client,
      state,
      onConnection: (c) => {
        connection = c;
        render();
      },
      onRunChanged: (runId) => {
        if (settings.autoJournal) pages.schedule(runId);
      },
      onError: (e) => report(e.message),
    });
  let live = follow();
  live.start();

  async function openRun(runId: string): Promise<void> {
    state.select(runId);
    try {
      if (state.events(runId) === undefined) await live.loadRun(runId);
      // The run's pages are written first, so that the page opened has them.
      const journal = await pages.write(runId);
      if (journal === undefined) throw new Error(`run ${runId} has no events`);
      // A DB graph names the page by its last segment: open it by its uuid there.
      const page = journal.pages[0]!;
      const db = (await sink.graphKind()) === 'db';
      host.App.pushState('page', { name: db ? page.uuid : page.name });
      error = undefined;
      render();
    } catch (e) {
      report(`opening run ${runId} failed: ${(e as Error).message}`);
    }
  }

  async function complete(runId: string, step: string, text: string, note: string) {
    const key = `${runId}/${step}`;
    completing.add(key);
    render();
    try {
      const output = parseOutput(text);
      await client.completeStep(runId, step, {
        ...(output === undefined ? {} : { output }),
        ...(note.trim() === '' ? {} : { note: note.trim() }),
        by: NOTE_AUTHOR,
      });
      view.clearDrafts(runId, step);
      error = undefined;
      void logseq.UI.showMsg(`TTA: step ${step} of run ${runId} completed`, 'success');
    } catch (e) {
      report(`completing step ${step} failed: ${(e as Error).message}`);
    } finally {
      completing.delete(key);
      render();
    }
  }

  logseq.provideModel({
    togglePanel() {
      if (logseq.isMainUIVisible) logseq.hideMainUI({ restoreEditingCursor: true });
      else {
        render();
        logseq.showMainUI({ autoFocus: true });
      }
    },
  });
  logseq.setMainUIInlineStyle(PANEL_STYLE);
  logseq.App.registerUIItem('toolbar', {
    key: 'tta-runs',
    template: `<a class="button" data-on-click="togglePanel" title="TTA workflow runs"><span class="ti ti-route"></span><span class="tta-toolbar-label">TTA</span></a>`,
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') logseq.hideMainUI({ restoreEditingCursor: true });
  });

  for (const { label, kind } of NOTE_COMMANDS)
    logseq.Editor.registerSlashCommand(label, async ({ uuid }) => {
      await runNoteCommand(kind, uuid, {
        logseq: host,
        addNote: (runId, note) => client.addNote(runId, note),
        runEvents: async (runId) => (await client.getRun(runId)).events,
        selectedRun: () => {
          const selected = state.selected === undefined ? undefined : state.view(state.selected);
          return selected === undefined
            ? undefined
            : {
                runId: selected.runId,
                ...(selected.stage === undefined ? {} : { stage: selected.stage }),
              };
        },
      });
    });

  logseq.onSettingsChanged((next: Record<string, unknown>) => {
    try {
      const before = settings;
      settings = readSettings(next);
      if (before.serverUrl !== settings.serverUrl || before.token !== settings.token) {
        live.stop();
        client = new RunServerClient({ baseUrl: settings.serverUrl, token: settings.token });
        live = follow();
        live.start();
      }
      error = undefined;
      render();
    } catch (e) {
      report((e as Error).message);
    }
  });
  logseq.App.onCurrentGraphChanged(() => {
    sink = new LogseqApiSink(callOf(logseq));
  });
  void logseq.App.getUserConfigs().then((configs) => {
    document.documentElement.dataset.theme = configs.preferredThemeMode;
  });
  logseq.App.onThemeModeChanged(({ mode }) => {
    document.documentElement.dataset.theme = mode;
  });
  logseq.beforeunload(async () => {
    live.stop();
    pages.cancel();
  });
  render();
}

logseq.useSettingsSchema(SETTINGS_SCHEMA);
logseq.ready(main).catch((error: unknown) => console.error('TTA plugin failed to start', error));
