import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmulatedBlock, LogseqVersion } from '@tta-dev/integrations/testing/logseq';
import type { JournalBlock, JournalPage, RunJournal } from '@tta-dev/workflows/journal';
import { type Browser, chromium, type FrameLocator, type Page } from 'playwright-core';
import { build } from 'vite';
import { expect } from 'vitest';
import { type StaticServer, serveFolder } from './staticServer.testkit.js';

/**
 * The built plugin (dist/) in headless Chromium, inside a page that plays Logseq's part of the
 * plugin protocol (src/e2e/host) and answers its API calls as Logseq 0.10.15 (a file graph) and
 * Logseq 2.0.1 (a DB graph) do (`emulateLogseq`): one tab per version, pointed at a run server.
 * Debian's Chromium; playwright-core never downloads a browser.
 */
export const CHROMIUM = process.env.TTA_CHROMIUM ?? '/usr/bin/chromium';
export const PLUGIN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const VERSIONS = ['0.10.15', '2.0.1'] as const satisfies readonly LogseqVersion[];
/** The plugin's DB-graph properties, by ident: `plugin.property.<plugin id>/<key>`. */
export const DB_PROPERTY = 'plugin.property.logseq-plugin-tta/';
const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

export interface PluginHosts {
  tab(version: LogseqVersion): Page;
  /** The plugin's iframe (its sidebar panel) in that version's tab. */
  panelOf(version: LogseqVersion): FrameLocator;
  /** Evaluates `fn(window.__host, arg)` in the version's tab (`fn` may use only its arguments). */
  inHost<T, A = undefined>(
    version: LogseqVersion,
    fn: (host: Window['__host'], arg: A) => T,
    arg?: A,
  ): Promise<Awaited<T>>;
  /** What went wrong in a page or its frames (uncaught errors, console errors). */
  readonly problems: string[];
  close(): Promise<void>;
}

export interface PluginHostsOptions {
  /** A temp folder: the host page is built in `dir/host`. */
  dir: string;
  serverUrl: string;
  token: string;
}

/** Builds the host page, serves it and the plugin, and opens a ready tab per Logseq version. */
export async function startPluginHosts(options: PluginHostsOptions): Promise<PluginHosts> {
  if (!existsSync(join(PLUGIN_DIR, 'dist', 'index.html')))
    throw new Error(
      `no built plugin in ${PLUGIN_DIR}/dist: run \`pnpm --filter logseq-plugin-tta build\` first`,
    );
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's \`chromium\` package (or set TTA_CHROMIUM)`,
    );
  await build({
    root: join(PLUGIN_DIR, 'src', 'e2e', 'host'),
    base: './',
    configFile: false,
    logLevel: 'warn',
    build: { outDir: join(options.dir, 'host'), emptyOutDir: true },
  });
  const sites: StaticServer[] = [];
  let browser: Browser | undefined;
  const tabs = new Map<LogseqVersion, Page>();
  const problems: string[] = [];
  const close = async () => {
    await browser?.close();
    for (const site of sites) await site.close();
  };
  try {
    const hostSite = await serveFolder(join(options.dir, 'host'));
    sites.push(hostSite);
    const pluginSite = await serveFolder(PLUGIN_DIR);
    sites.push(pluginSite);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    const settings = {
      serverUrl: options.serverUrl,
      token: options.token,
      pagePrefix: 'TTA',
      autoJournal: true,
    };
    for (const version of VERSIONS) {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 820 },
        timezoneId: TIME_ZONE,
      });
      const tab = await context.newPage();
      tab.on('pageerror', (error) => problems.push(`${version}: ${error.message}`));
      tab.on('console', (message) => {
        if (message.type() === 'error')
          problems.push(`${version}: ${message.text()} at ${message.location().url}`);
      });
      await tab.goto(
        `${hostSite.url}?version=${version}&plugin=${encodeURIComponent(pluginSite.url)}&settings=${encodeURIComponent(
          JSON.stringify(settings),
        )}`,
      );
      await tab.evaluate(() => window.__host.ready);
      tabs.set(version, tab);
    }
  } catch (error) {
    await close();
    throw error;
  }
  const tab = (version: LogseqVersion): Page => tabs.get(version)!;
  return {
    tab,
    panelOf: (version) => tab(version).frameLocator('#logseq-plugin-tta_iframe'),
    inHost: (version, fn, arg) =>
      tab(version).evaluate(
        `(${fn.toString()})(window.__host, ${JSON.stringify(arg ?? null)})`,
      ) as Promise<never>,
    problems,
    close,
  };
}

/** Clicks the toolbar button and waits for the plugin's sidebar panel to show. */
export async function openPanel(hosts: PluginHosts, version: LogseqVersion): Promise<void> {
  await hosts.tab(version).locator('#toolbar [data-on-click="togglePanel"]').click();
  await hosts.tab(version).locator('#logseq-plugin-tta_lsp_main.visible').waitFor();
}

/** How the plugin addresses a model page there: a DB graph by its uuid, a file graph by name. */
export const refOf = (version: LogseqVersion, page: JournalPage) =>
  version === '2.0.1' ? page.uuid : page.name;

/**
 * The page as the graph keeps it: uuid, title, tags, and property values by key (file graphs:
 * its pre-block's, what its file says) or by ident (DB graphs: the page entity's).
 */
export function pageIn(hosts: PluginHosts, version: LogseqVersion, page: JournalPage) {
  return hosts.inHost(
    version,
    (host, ref) => {
      const found = host.graph
        .pages()
        .find((p) => p.uuid === ref.toLowerCase() || p.name === ref.toLowerCase());
      if (found === undefined) return undefined;
      const first = host.graph.outline(found.uuid)[0];
      const properties =
        host.graph.kind === 'file'
          ? first?.preBlock === true
            ? first.properties
            : {}
          : found.properties;
      return {
        uuid: found.uuid,
        title: found.title,
        tags: found.tags,
        properties: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, v.value])),
      };
    },
    refOf(version, page),
  );
}

/** The run page's `status` property, by the key (file graph) or ident (DB graph) the plugin uses. */
export const statusKey = (version: LogseqVersion) =>
  version === '2.0.1' ? `${DB_PROPERTY}status` : 'status';

export const outlineOf = (
  hosts: PluginHosts,
  version: LogseqVersion,
  ref: string,
): Promise<EmulatedBlock[]> => hosts.inHost(version, (host, r) => host.graph.outline(r), ref);
export const modelUuids = (blocks: readonly JournalBlock[]): string[] =>
  blocks.flatMap((b) => [b.uuid, ...modelUuids(b.children)]);
const uuidsOf = (blocks: readonly EmulatedBlock[]): string[] =>
  blocks.flatMap((b) => [b.uuid, ...uuidsOf(b.children)]);
export const textOf = (blocks: readonly EmulatedBlock[]): string =>
  blocks.map((b) => `${b.text}\n${textOf(b.children)}`).join('');
/** The run's blocks on a page, in order: not a file graph's page-properties block, not a person's. */
const runBlocks = (blocks: readonly EmulatedBlock[], others: readonly string[] = []) =>
  uuidsOf(blocks.filter((b) => b.preBlock !== true)).filter((u) => !others.includes(u));

/**
 * Every page of the run is there complete (its blocks, by uuid, in the model's order), found as
 * the plugin addresses it, and the day's journal page has the run's line, once; each of the run's
 * blocks is in the graph once.
 */
export async function expectJournalWritten(
  hosts: PluginHosts,
  version: LogseqVersion,
  journal: RunJournal,
  others: readonly string[] = [],
): Promise<void> {
  for (const page of journal.pages)
    expect(
      runBlocks(await outlineOf(hosts, version, refOf(version, page)), others),
      page.name,
    ).toEqual(modelUuids(page.blocks));
  const journalDay = Number(journal.journalEntry.date.replaceAll('-', ''));
  const days = await hosts.inHost(version, (host) =>
    host.graph.pages().filter((p) => p.journalDay !== undefined),
  );
  expect(days.map((d) => d.journalDay)).toEqual([journalDay]);
  expect(runBlocks(await outlineOf(hosts, version, days[0]!.uuid))).toEqual([
    journal.journalEntry.block.uuid,
  ]);
  const all = await hosts.inHost(version, (host) => {
    const flat = (bs: EmulatedBlock[]): string[] =>
      bs.flatMap((b) => [b.uuid, ...flat(b.children)]);
    return host.graph.pages().flatMap((p) => flat(host.graph.outline(p.uuid)));
  });
  const ours = new Set([
    ...journal.pages.flatMap((p) => modelUuids(p.blocks)),
    journal.journalEntry.block.uuid,
  ]);
  const written = all.filter((u) => ours.has(u));
  expect(new Set(written).size).toBe(written.length);
  expect(written).toHaveLength(ours.size);
}
