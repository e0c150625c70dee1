import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '@tta-dev/workflows';
import { runJournal } from '@tta-dev/workflows/journal';
import { type Browser, chromium, type FrameLocator, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedRun, startServedRun, stopServedRun } from '../runs/realRun.testkit.js';
import { type StaticServer, serveFolder } from './staticServer.testkit.js';

/**
 * The built plugin (dist/) in headless Chromium, inside a page that plays Logseq's part of the
 * plugin protocol (src/e2e/host), against the real run server serving a run the workflow engine
 * really ran. Debian's Chromium; playwright-core never downloads a browser.
 */
const CHROMIUM = process.env.TTA_CHROMIUM ?? '/usr/bin/chromium';
const PLUGIN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

let dir: string;
let run: ServedRun;
let hostSite: StaticServer;
let pluginSite: StaticServer;
let browser: Browser;
let page: Page;
let panel: FrameLocator;

beforeAll(async () => {
  if (!existsSync(join(PLUGIN_DIR, 'dist', 'index.html')))
    throw new Error(
      `no built plugin in ${PLUGIN_DIR}/dist: run \`pnpm --filter logseq-plugin-tta build\` first`,
    );
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's \`chromium\` package (or set TTA_CHROMIUM)`,
    );
  dir = await mkdtemp(join(tmpdir(), 'tta-plugin-e2e-'));
  run = await startServedRun(dir);
  await build({
    root: join(PLUGIN_DIR, 'src', 'e2e', 'host'),
    base: './',
    configFile: false,
    logLevel: 'warn',
    build: { outDir: join(dir, 'host'), emptyOutDir: true },
  });
  hostSite = await serveFolder(join(dir, 'host'));
  pluginSite = await serveFolder(PLUGIN_DIR);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  page = await openHost('file', { autoJournal: true });
  panel = page.frameLocator('#logseq-plugin-tta_iframe');
});

/** What went wrong in a page or its frames (uncaught errors, console errors). */
const problems: string[] = [];

/** A new tab with the test host (a file or DB graph) running the built plugin, loaded and ready. */
async function openHost(
  graphKind: 'file' | 'db',
  options: { autoJournal: boolean },
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 820 },
    timezoneId: TIME_ZONE,
  });
  const tab = await context.newPage();
  tab.on('pageerror', (error) => problems.push(`${graphKind}: ${error.message}`));
  tab.on('console', (message) => {
    if (message.type() === 'error')
      problems.push(`${graphKind}: ${message.text()} at ${message.location().url}`);
  });
  const settings = {
    serverUrl: run.server.url,
    token: run.token,
    pagePrefix: 'TTA',
    autoJournal: options.autoJournal,
  };
  await tab.goto(
    `${hostSite.url}?graph=${graphKind}&plugin=${encodeURIComponent(pluginSite.url)}&settings=${encodeURIComponent(
      JSON.stringify(settings),
    )}`,
  );
  await tab.evaluate(() => window.__host.ready);
  return tab;
}

afterAll(async () => {
  await browser?.close();
  await stopServedRun(run);
  await hostSite?.close();
  await pluginSite?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const runId = () => run.started.runId;
const events = (): Promise<RunEvent[]> => run.store.read(runId());
const runPageName = async () => runJournal(await events(), { prefix: 'TTA' }).pages[0]!.name;
const graph = <T>(fn: (host: Window['__host']) => T | Promise<T>): Promise<T> =>
  page.evaluate(`(${fn.toString()})(window.__host)`) as Promise<T>;

describe('the built plugin in Chromium', () => {
  it('registers its toolbar button and slash commands with Logseq', async () => {
    expect(await page.locator('#toolbar [data-on-click="togglePanel"]').count()).toBe(1);
    expect(await graph((h) => h.slashCommands)).toEqual([
      'TTA: Decision',
      'TTA: Learning',
      'TTA: Stage summary',
    ]);
  });

  it('opens a sidebar panel listing the run live, with its stages, personas, gates and status', async () => {
    await page.locator('#toolbar [data-on-click="togglePanel"]').click();
    await page.locator('#logseq-plugin-tta_lsp_main.visible').waitFor();
    const item = panel.locator(`.run[data-run-id="${runId()}"]`);
    await item.locator('.status', { hasText: 'waiting' }).waitFor();
    expect(await item.locator('.workflow').textContent()).toBe('mini-release');
    expect(await panel.locator('.connection').textContent()).toBe('live');

    const personas = (await events()).flatMap((e) =>
      e.type === 'stage_started' ? [e.persona] : [],
    );
    const prepare = item.locator('.stage[data-stage="prepare"]');
    expect(await prepare.locator('.persona').textContent()).toBe(personas[0]);
    expect(await prepare.locator('.stage-state').textContent()).toBe('completed');
    expect(await prepare.locator('.gate-passed').textContent()).toContain('version-set');
    const verify = item.locator('.stage[data-stage="verify"]');
    expect(await verify.locator('.persona').textContent()).toBe(personas[1]);
    expect(await verify.locator('.stage-state').textContent()).toBe('waiting');
  });

  it('opens the run’s page when the run is selected, having written its pages', async () => {
    await panel.locator(`.run[data-run-id="${runId()}"] .run-head`).click();
    const name = await runPageName();
    await expect.poll(() => graph((h) => h.graph.routes.at(-1))).toBe(name);

    const properties = await graph((h) => h.graph.pageProperties(h.graph.routes.at(-1)!));
    expect(properties).toMatchObject({
      workflow: 'mini-release',
      'run-id': runId(),
      status: 'suspended',
      tags: '[[tta-run]]',
    });
    const outline = await graph((h) => h.graph.outline(`${h.graph.routes.at(-1)!}/verify`));
    expect(outline).toContain('**release-notes** waiting for an assistant or a person');
    expect(outline).toContain('Write the release notes for 1.3.0.');
    expect(await page.locator('#page h1').textContent()).toBe(name);
  });

  it('completes the waiting agent step from the panel; the run goes on and its pages follow', async () => {
    const form = panel.locator('.step[data-step="release-notes"] form.complete-step');
    expect(await form.locator('.instructions').textContent()).toContain(
      'Write the release notes for 1.3.0.',
    );
    await form
      .locator('textarea[name="output"]')
      .fill('## 1.3.0\n\n- adds `retry()` to the client');
    await form.locator('input[name="note"]').fill('checked against the changelog');
    await page.screenshot({ path: screenshotPath() });
    await form.locator('button.complete').click();

    await expect
      .poll(async () => (await events()).find((e) => e.type === 'step_completed'), {
        timeout: 20_000,
      })
      .toMatchObject({
        step: 'release-notes',
        output: '## 1.3.0\n\n- adds `retry()` to the client',
        note: 'checked against the changelog',
        by: 'logseq',
      });
    // The server resumes the run: its gate is evaluated, and it completes.
    await expect
      .poll(async () => (await events()).at(-1)?.type, { timeout: 20_000 })
      .toBe('run_completed');
    const item = panel.locator(`.run[data-run-id="${runId()}"]`);
    await item.locator('.status', { hasText: 'completed' }).waitFor();
    expect(await item.locator('.stage[data-stage="verify"] .gate-passed').textContent()).toContain(
      'coverage-ok',
    );

    // Auto-journal: the pages follow the events, updated in place.
    const name = await runPageName();
    await expect
      .poll(() => graph((h) => h.graph.pageProperties(h.graph.routes.at(-1)!).status), {
        timeout: 20_000,
      })
      .toBe('completed');
    // Once written (the instructions removed last), the step shows who completed it and how.
    await expect
      .poll(() => graph((h) => h.graph.outline(`${h.graph.routes.at(-1)!}/verify`)))
      .not.toContain('Write the release notes');
    const verify = await graph((h) => h.graph.outline(`${h.graph.routes.at(-1)!}/verify`));
    expect(verify).toContain('**release-notes** completed by logseq');
    expect(verify).toContain('adds `retry()` to the client');
    const journal = runJournal(await events(), { prefix: 'TTA' });
    expect(journal.pages[0]!.name).toBe(name);
    await expectPagesWrittenOnce(journal.pages.map((p) => p.name));
  });

  it('records a decision from the slash command in the block and in the run', async () => {
    const stagePage = `${await runPageName()}/verify`;
    const uuid = await page.evaluate(async (name) => {
      const host = window.__host;
      const block = await host.graph.Editor.insertBlock(name, '', {});
      host.graph.editing = { uuid: block!.uuid, content: 'Ship on Monday, after the docs' };
      host.runSlashCommand('TTA: Decision', block!.uuid);
      return block!.uuid;
    }, stagePage);

    await expect
      .poll(async () => (await events()).find((e) => e.type === 'decision'), { timeout: 20_000 })
      .toMatchObject({ text: 'Ship on Monday, after the docs', stage: 'verify', by: 'logseq' });
    await expect
      .poll(() => page.evaluate((id) => window.__host.graph.blocks.get(id)?.content, uuid))
      .toBe(
        `#decision Ship on Monday, after the docs\nrun-id:: ${runId()}\nstage:: verify\nby:: logseq`,
      );
    // Auto-journal puts the decision on the stage page as the run's own block as well.
    await expect
      .poll(() => page.evaluate((name) => window.__host.graph.outline(name), stagePage))
      .toMatch(/- #decision Ship on Monday, after the docs\n {2}by:: logseq\n {2}id:: /);
    await expectPagesWrittenOnce(
      runJournal(await events(), { prefix: 'TTA' }).pages.map((p) => p.name),
    );
  });

  it('writes a DB graph’s pages when a run is opened: properties on the entities, tags as tags', async () => {
    const tab = await openHost('db', { autoJournal: false });
    await tab.locator('#toolbar [data-on-click="togglePanel"]').click();
    const head = tab
      .frameLocator('#logseq-plugin-tta_iframe')
      .locator(`.run[data-run-id="${runId()}"] .run-head`);
    await head.click();
    const name = await runPageName();
    await expect.poll(() => tab.evaluate(() => window.__host.graph.routes.at(-1))).toBe(name);
    const ns = ':plugin.property.logseq-plugin-tta';
    const written = await tab.evaluate(
      (n) => ({
        properties: window.__host.graph.pageProperties(n),
        tags: window.__host.graph.tagsOf(n),
        stageTags: window.__host.graph.tagsOf(`${n}/verify`),
      }),
      name,
    );
    expect(written.properties).toMatchObject({
      [`${ns}/run-id`]: runId(),
      [`${ns}/status`]: 'completed',
      [`${ns}/personas`]: expect.arrayContaining([expect.stringMatching(/^tta-/)]),
    });
    expect(written.tags).toEqual(['tta-run']);
    expect(written.stageTags).toEqual(['tta-stage']);

    // Opening it again rewrites it in place.
    const count = () => tab.evaluate(() => window.__host.graph.blocks.size);
    const before = await count();
    await head.click();
    // The page opens again once its pages are written again.
    await expect.poll(() => tab.evaluate(() => window.__host.graph.routes.length)).toBe(2);
    expect(await count()).toBe(before);
    expect(await tab.evaluate(() => window.__host.unknownCalls)).toEqual([]);
    expect(await tab.evaluate(() => window.__host.errors)).toEqual([]);
    await tab.context().close();
  });

  it('called only what Logseq’s plugin API has, and nothing failed', async () => {
    expect(await graph((h) => h.unknownCalls)).toEqual([]);
    expect(await graph((h) => h.errors)).toEqual([]);
    expect(problems).toEqual([]);
    const png = await stat(screenshotPath());
    expect(png.size).toBeGreaterThan(10_000);
    expect((await readFile(screenshotPath())).subarray(1, 4).toString()).toBe('PNG');
  });
});

/** Each of the run's blocks is on its page once: its uuid, once, in the whole graph. */
async function expectPagesWrittenOnce(names: string[]): Promise<void> {
  const { uuids, journal } = await page.evaluate((pageNames) => {
    const g = window.__host.graph;
    return {
      uuids: pageNames.flatMap((n) => g.blocksOf(n).map((b) => b.uuid)),
      journal: [...g.pages.values()].filter((p) => /^\w{3} \d+\w\w, \d{4}$/.test(p.title)).length,
    };
  }, names);
  expect(new Set(uuids).size).toBe(uuids.length);
  expect(uuids.length).toBeGreaterThan(10);
  expect(journal).toBe(1);
}

/** `TTA_UPDATE_SCREENSHOT=1` refreshes the README's screenshot; otherwise it goes to the temp folder. */
function screenshotPath(): string {
  return process.env.TTA_UPDATE_SCREENSHOT === '1'
    ? join(PLUGIN_DIR, 'screenshot.png')
    : join(dir, 'screenshot.png');
}
