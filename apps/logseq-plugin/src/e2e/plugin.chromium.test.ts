import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatedBlock, LogseqVersion } from '@tta-dev/integrations/testing/logseq';
import type { RunEvent } from '@tta-dev/workflows';
import { type JournalPage, type RunJournal, runJournal } from '@tta-dev/workflows/journal';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ServedRun, startServedRun, stopServedRun } from '../runs/realRun.testkit.js';
import {
  DB_PROPERTY,
  expectJournalWritten as expectWritten,
  openPanel,
  outlineOf as outlineIn,
  PLUGIN_DIR,
  type PluginHosts,
  pageIn as pageInHosts,
  refOf,
  startPluginHosts,
  statusKey,
  textOf,
  VERSIONS,
} from './pluginHosts.testkit.js';

/**
 * The built plugin (dist/) in headless Chromium, inside a page that plays Logseq's part of the
 * plugin protocol (src/e2e/host) and answers its API calls as Logseq 0.10.15 (a file graph) and
 * Logseq 2.0.1 (a DB graph) do (`emulateLogseq`), against the real run server serving a run the
 * workflow engine really ran. One tab per version, both following the same run live (see
 * pluginHosts.testkit.ts; team.chromium.test.ts follows a run workers drive on PostgreSQL).
 */
let dir: string;
let run: ServedRun;
let hosts: PluginHosts;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tta-plugin-e2e-'));
  run = await startServedRun(dir);
  hosts = await startPluginHosts({ dir, serverUrl: run.server.url, token: run.token });
});

afterAll(async () => {
  await hosts?.close();
  await stopServedRun(run);
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const runId = () => run.started.runId;
const events = (): Promise<RunEvent[]> => run.store.read(runId());
const journalNow = async (): Promise<RunJournal> => runJournal(await events(), { prefix: 'TTA' });
const tab = (version: LogseqVersion): Page => hosts.tab(version);
const panelOf = (version: LogseqVersion) => hosts.panelOf(version);
const inHost: PluginHosts['inHost'] = (version, fn, arg) => hosts.inHost(version, fn, arg);
const pageIn = (version: LogseqVersion, page: JournalPage) => pageInHosts(hosts, version, page);
const outlineOf = (version: LogseqVersion, ref: string): Promise<EmulatedBlock[]> =>
  outlineIn(hosts, version, ref);
const expectJournalWritten = (
  version: LogseqVersion,
  journal: RunJournal,
  others: readonly string[] = [],
) => expectWritten(hosts, version, journal, others);

describe('the built plugin in Chromium, in Logseq 0.10.15 (file graph) and 2.0.1 (DB graph)', () => {
  it('registers its toolbar button and slash commands with Logseq', async () => {
    for (const version of VERSIONS) {
      expect(await tab(version).locator('#toolbar [data-on-click="togglePanel"]').count()).toBe(1);
      expect(await inHost(version, (h) => h.slashCommands)).toEqual([
        'TTA: Decision',
        'TTA: Learning',
        'TTA: Stage summary',
      ]);
    }
  });

  it('opens a sidebar panel listing the run live, with its stages, personas, gates and status', async () => {
    const personas = (await events()).flatMap((e) =>
      e.type === 'stage_started' ? [e.persona] : [],
    );
    for (const version of VERSIONS) {
      await openPanel(hosts, version);
      const panel = panelOf(version);
      const item = panel.locator(`.run[data-run-id="${runId()}"]`);
      await item.locator('.status', { hasText: 'waiting' }).waitFor();
      expect(await item.locator('.workflow').textContent()).toBe('mini-release');
      expect(await panel.locator('.connection').textContent()).toBe('live');
      const prepare = item.locator('.stage[data-stage="prepare"]');
      expect(await prepare.locator('.persona').textContent()).toBe(personas[0]);
      expect(await prepare.locator('.stage-state').textContent()).toBe('completed');
      expect(await prepare.locator('.gate-passed').textContent()).toContain('version-set');
      const verify = item.locator('.stage[data-stage="verify"]');
      expect(await verify.locator('.persona').textContent()).toBe(personas[1]);
      expect(await verify.locator('.stage-state').textContent()).toBe('waiting');
    }
  });

  it('opens the run’s page when the run is selected, having written its pages', async () => {
    const journal = await journalNow();
    const runPage = journal.pages[0]!;
    const verifyPage = journal.pages.find((p) => p.name.endsWith('/verify'))!;
    for (const version of VERSIONS) {
      await panelOf(version).locator(`.run[data-run-id="${runId()}"] .run-head`).click();
      await expect
        .poll(() => inHost(version, (h) => h.graph.navigations().length))
        .toBeGreaterThan(0);
      const opened = (await inHost(version, (h) => h.graph.navigations().at(-1)))!;
      const page = (await pageIn(version, runPage))!;
      if (version === '2.0.1') {
        // 2.0.1 names the page by its last segment, shared by other runs: opened by its uuid.
        expect(page.uuid).toBe(runPage.uuid);
        expect(page.title).toBe(runPage.name.split('/').at(-1));
        expect(opened).toEqual({ route: 'page', name: runPage.uuid, page: runPage.uuid });
        expect(page.tags).toContain('tta-run');
        expect(page.properties).toMatchObject({
          [`${DB_PROPERTY}workflow`]: 'mini-release',
          [`${DB_PROPERTY}run-id`]: runId(),
          [`${DB_PROPERTY}status`]: 'suspended',
        });
      } else {
        expect(page.title).toBe(runPage.name);
        expect(opened).toEqual({ route: 'page', name: runPage.name, page: page.uuid });
        expect(page.properties).toMatchObject({
          workflow: 'mini-release',
          'run-id': runId(),
          status: 'suspended',
          tags: ['tta-run'],
        });
      }
      await expectJournalWritten(version, journal);
      const verify = textOf(await outlineOf(version, refOf(version, verifyPage)));
      expect(verify).toContain('**release-notes** waiting for an assistant or a person');
      expect(verify).toContain('Write the release notes for 1.3.0.');
      await tab(version).locator('#page h1', { hasText: page.title }).waitFor();
    }
  });

  it('completes the waiting agent step from the panel; the run goes on and its pages follow', async () => {
    const panel = panelOf('0.10.15');
    const form = panel.locator('.step[data-step="release-notes"] form.complete-step');
    expect(await form.locator('.instructions').textContent()).toContain(
      'Write the release notes for 1.3.0.',
    );
    await form
      .locator('textarea[name="output"]')
      .fill('## 1.3.0\n\n- adds `retry()` to the client');
    await form.locator('input[name="note"]').fill('checked against the changelog');
    await tab('0.10.15').screenshot({ path: screenshotPath() });
    await form.locator('button.complete').click();

    await expect
      .poll(async () => (await events()).find((e) => e.type === 'step_completed'), {
        timeout: 120_000,
      })
      .toMatchObject({
        step: 'release-notes',
        output: '## 1.3.0\n\n- adds `retry()` to the client',
        note: 'checked against the changelog',
        by: 'logseq',
      });
    // The server resumes the run: its gate is evaluated, and it completes.
    await expect
      .poll(async () => (await events()).at(-1)?.type, { timeout: 120_000 })
      .toBe('run_completed');
    const journal = await journalNow();
    for (const version of VERSIONS) {
      const item = panelOf(version).locator(`.run[data-run-id="${runId()}"]`);
      await item.locator('.status', { hasText: 'completed' }).waitFor();
      expect(
        await item.locator('.stage[data-stage="verify"] .gate-passed').textContent(),
      ).toContain('coverage-ok');

      // Auto-journal: the pages follow the events, updated in place (the writes are not
      // awaited here: wait until the graph holds the whole journal of the completed run).
      const verifyPage = refOf(version, journal.pages.find((p) => p.name.endsWith('/verify'))!);
      const status = statusKey(version);
      await vi.waitFor(
        async () => {
          const verify = textOf(await outlineOf(version, verifyPage));
          expect(verify).not.toContain('Write the release notes');
          expect(verify).toContain('**release-notes** completed by logseq');
          expect(verify).toContain('adds `retry()` to the client');
          expect((await pageIn(version, journal.pages[0]!))?.properties[status]).toBe('completed');
          await expectJournalWritten(version, journal);
        },
        { timeout: 120_000, interval: 100 },
      );
    }
  });

  it('records a decision from the slash command on a stage page, in the block and in the run', async () => {
    for (const version of VERSIONS) {
      const text = `Ship on Monday, after the docs (${version})`;
      const stagePage = refOf(
        version,
        (await journalNow()).pages.find((p) => p.name.endsWith('/verify'))!,
      );
      // A person writes a block at the end of the stage page and runs the command in it.
      const uuid = await inHost(
        version,
        async (host, { page, content }) => {
          const block = (await host.graph.api.Editor.insertBlock(page, '', {})) as {
            uuid: string;
          };
          host.graph.edit(block.uuid, content);
          host.runSlashCommand('TTA: Decision', block.uuid);
          return block.uuid;
        },
        { page: stagePage, content: text },
      );

      await expect
        .poll(async () => (await events()).find((e) => e.type === 'decision' && e.text === text), {
          timeout: 120_000,
        })
        .toMatchObject({ stage: 'verify', by: 'logseq' });
      const block = async () => (await outlineOf(version, stagePage)).find((b) => b.uuid === uuid);
      if (version === '2.0.1') {
        await expect.poll(async () => (await block())?.text).toBe(`#decision ${text}`);
        expect((await block())!.properties).toMatchObject({
          [`${DB_PROPERTY}run-id`]: { value: runId() },
          [`${DB_PROPERTY}stage`]: { value: 'verify' },
          [`${DB_PROPERTY}by`]: { value: 'logseq' },
        });
      } else
        await expect
          .poll(async () => (await block())?.text)
          .toBe(`#decision ${text}\nrun-id:: ${runId()}\nstage:: verify\nby:: logseq`);
      expect(await inHost(version, (h) => h.graph.messages().at(-1))).toEqual({
        content: `TTA: decision recorded in run ${runId()}`,
        status: 'success',
      });
      // Auto-journal puts the decision on the stage page as the run's own block as well, and
      // keeps the person's block.
      await expect
        .poll(async () =>
          (await outlineOf(version, stagePage)).some(
            (b) => b.uuid !== uuid && b.text.startsWith(`#decision ${text}`),
          ),
        )
        .toBe(true);
      const journal = await journalNow();
      await vi.waitFor(() => expectJournalWritten(version, journal, [uuid]), { timeout: 120_000 });
    }
  });

  it('called only what each Logseq has (0.10.15’s missing methods only as fall-backs), and showed no error', async () => {
    // 0.10.15 has neither `checkCurrentIsDbGraph` nor `createJournalPage` (api.cljs): the plugin
    // asks, gets "Not existed method", and goes on as in a file graph (the journal line above
    // proves the fall-back). Both must have been tried (the test went through the fall-back),
    // and nothing else may be missing. 2.0.1 has every method the plugin calls.
    const expected: Record<LogseqVersion, string[]> = {
      '0.10.15': ['checkCurrentIsDbGraph', 'createJournalPage'],
      '2.0.1': [],
    };
    for (const version of VERSIONS) {
      const { unknownCalls, errors, messages } = await inHost(version, (h) => ({
        unknownCalls: h.unknownCalls,
        errors: h.errors,
        messages: h.graph.messages(),
      }));
      expect([...new Set(unknownCalls)].sort(), version).toEqual(expected[version]);
      expect(errors, version).toEqual(unknownCalls.map((m) => `${m}: Not existed method #${m}`));
      expect(
        messages.filter((m) => m.status === 'error'),
        version,
      ).toEqual([]);
    }
    expect(hosts.problems).toEqual([]);
    const png = await stat(screenshotPath());
    expect(png.size).toBeGreaterThan(10_000);
    expect((await readFile(screenshotPath())).subarray(1, 4).toString()).toBe('PNG');
  });
});

/** `TTA_UPDATE_SCREENSHOT=1` refreshes the README's screenshot; otherwise it goes to the temp folder. */
function screenshotPath(): string {
  return process.env.TTA_UPDATE_SCREENSHOT === '1'
    ? join(PLUGIN_DIR, 'screenshot.png')
    : join(dir, 'screenshot.png');
}
