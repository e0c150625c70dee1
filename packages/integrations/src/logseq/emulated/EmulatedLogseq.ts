import type {
  EmulatedBlock,
  EmulatedPage,
  GraphBackend,
  HostCaller,
  HostState,
  Message,
  Navigation,
} from './_backend.js';
import { snakeCase } from './_text.js';
import { dbGraph } from './dbGraph.js';
import { EXPORTED_METHODS, type LogseqVersion } from './exportedMethods.js';
import { fileGraph } from './fileGraph.js';

export type {
  EmulatedBlock,
  EmulatedPage,
  Message,
  Navigation,
  StoredProperty,
} from './_backend.js';
export type { LogseqVersion } from './exportedMethods.js';

export const DEFAULT_EMULATED_PLUGIN_ID = 'logseq-plugin-tta';
export const DEFAULT_EMULATED_DATE_FORMAT = 'MMM do, yyyy';

export interface EmulateLogseqOptions {
  /** The calling plugin's id (DB graphs name its properties after it). Default `logseq-plugin-tta`. */
  pluginId?: string;
  /** The graph's journal title format. Default `MMM do, yyyy`. */
  preferredDateFormat?: string;
}

type Method = (...args: unknown[]) => Promise<unknown>;
/** A namespace of the plugin API: the methods the writers use by name, and any other. */
export type EmulatedNamespace<K extends string> = { [k in K]: Method } & Record<string, Method>;
export type EmulatedEditor = EmulatedNamespace<
  | 'getPage'
  | 'createPage'
  | 'createJournalPage'
  | 'getPageBlocksTree'
  | 'getBlock'
  | 'insertBlock'
  | 'updateBlock'
  | 'removeBlock'
  | 'upsertBlockProperty'
  | 'getBlockProperties'
  | 'getPageProperties'
  | 'upsertProperty'
  | 'getProperty'
  | 'checkEditing'
  | 'getEditingBlockContent'
  | 'exitEditingMode'
  | 'createTag'
  | 'getTag'
  | 'addBlockTag'
>;
export type EmulatedApp = EmulatedNamespace<
  'checkCurrentIsDbGraph' | 'getUserConfigs' | 'getCurrentGraphConfigs' | 'pushState'
>;
export type EmulatedUI = EmulatedNamespace<'showMsg'>;

/**
 * A Logseq desktop app of one version, with one graph open, as plugins (and its HTTP API server)
 * reach it: the methods that version exports, resolved by name as its SDK resolves them, with its
 * lookups, results and errors. Each behaviour cites the Logseq source line it follows.
 */
export interface EmulatedLogseq {
  readonly version: LogseqVersion;
  /** 0.10.15 opens file graphs, 2.0.1 DB graphs. */
  readonly kind: 'file' | 'db';
  /**
   * A plugin's API call as it reaches the host: `Editor.getPage`, `logseq.Editor.getPage`,
   * `UI.showMsg`, or the name the SDK sends (`getPage`, `ui_showMsg`, `get_page`). A method the
   * version does not export throws `Not existed method #<method>`. Arguments and result cross a
   * JSON round trip, as they cross postMessage.
   */
  call(method: string, args: readonly unknown[]): Promise<unknown>;
  /** `{ Editor, App, UI }` to use as the plugin's global `logseq`. */
  readonly api: { Editor: EmulatedEditor; App: EmulatedApp; UI: EmulatedUI };
  /**
   * What the HTTP API server's renderer does (`electron.listener` "invokeLogseqAPI"): calls
   * `window.logseq.api[name]` (`target` `api`) or `window.logseq.sdk[target][name]` with no
   * plugin as `this`; undefined when there is no such method.
   */
  invokeExported(
    target: string,
    name: string,
    args: readonly unknown[],
  ): Promise<unknown> | undefined;
  /** Every page, built-in ones included. */
  pages(): EmulatedPage[];
  /** A page's blocks (DB graphs: without property value blocks). */
  outline(pageUuidOrName: string): EmulatedBlock[];
  /** Starts editing a block, as a person does (`content`: the editor's text, default the block's). */
  edit(uuid: string, content: string): void;
  /** The routes `App.pushState` opened, oldest first. */
  navigations(): Navigation[];
  /** What `UI.showMsg` and notifications showed. */
  messages(): Message[];
  /** 0.10.15: the Markdown file Logseq writes for the page. */
  file(page: string): string;
}

/** A fresh Logseq of that version with an empty graph. */
export function emulateLogseq(
  version: LogseqVersion,
  options: EmulateLogseqOptions = {},
): EmulatedLogseq {
  const pluginId = options.pluginId ?? DEFAULT_EMULATED_PLUGIN_ID;
  const dateFormat = options.preferredDateFormat ?? DEFAULT_EMULATED_DATE_FORMAT;
  const state: HostState = { editing: null, navigations: [], messages: [] };
  const backend: GraphBackend =
    version === '0.10.15' ? fileGraph(state, dateFormat) : dbGraph(state, dateFormat);
  const exported = EXPORTED_METHODS[version];

  const run = async (
    target: string,
    name: string,
    args: readonly unknown[],
    caller: HostCaller,
  ): Promise<unknown> => {
    const ns = target === 'api' ? exported.api : exported.sdk[target];
    // sdk.ui.show_msg is what api.cljs exports as show_msg.
    const key = target === 'api' ? name : `${target}.${name}`;
    const method = backend.api[key] ?? (target === 'ui' ? backend.api[name] : undefined);
    if (!ns?.includes(name)) throw new Error(`Not existed method #${name}`);
    if (method === undefined)
      throw new Error(
        `emulated Logseq ${version}: ${target}.${name} exists in Logseq but is not emulated`,
      );
    const result = await method(caller, ...(JSON.parse(JSON.stringify(args)) as unknown[]));
    return result === undefined ? null : JSON.parse(JSON.stringify(result));
  };

  /**
   * `invokeHostExportedApi` (0.10.15 libs/src/helpers.ts:212, 2.0.1 libs/src/common.ts:301): leading
   * `_`/`$` dropped, snake-cased; a first segment naming a `window.logseq.sdk` namespace selects it;
   * else `window.logseq.api`. The SDK's proxies (`_makeUserProxy`, libs/src/LSPlugin.user.ts) send
   * `Editor.x`/`App.x`/`DB.x` as `x` and prefix the `ui`, `git`, `assets` (and 2.0.1 `utils`) ones.
   */
  const call = async (method: string, args: readonly unknown[]) => {
    let sent = method.replace(/^logseq\./, '');
    const proxy = /^([A-Za-z]+)\.(.+)$/.exec(sent);
    if (proxy) {
      const tag = proxy[1]!.toLowerCase();
      const prefixed =
        version === '0.10.15' ? ['git', 'ui', 'assets'] : ['git', 'ui', 'assets', 'utils'];
      sent = prefixed.includes(tag) ? `${tag}_${proxy[2]}` : proxy[2]!;
    }
    sent = sent.replace(/^[_$]+/, '');
    let name = snakeCase(sent);
    const ns0 = name.split('_')[0] ?? '';
    let target = 'api';
    if (ns0 in exported.sdk) {
      name = name.slice(ns0.length + 1);
      target = ns0;
    }
    const found =
      (target !== 'api' && exported.sdk[target]?.includes(name)) || exported.api.includes(name);
    if (!found) throw new Error(`Not existed method #${sent}`);
    const where = target !== 'api' && exported.sdk[target]?.includes(name) ? target : 'api';
    return run(where, name, args, { pluginId });
  };

  const proxy = <T>(tag: string): T =>
    new Proxy({} as Record<string, Method>, {
      get: (_t, key) =>
        typeof key === 'string' ? (...args: unknown[]) => call(`${tag}.${key}`, args) : undefined,
    }) as T;

  return {
    version,
    kind: backend.kind,
    call,
    api: {
      Editor: proxy<EmulatedEditor>('Editor'),
      App: proxy<EmulatedApp>('App'),
      UI: proxy<EmulatedUI>('UI'),
    },
    invokeExported: (target, name, args) => {
      const ns = target === 'api' ? exported.api : exported.sdk[target];
      if (!ns?.includes(name)) return undefined;
      return run(target, name, args, { pluginId: undefined });
    },
    pages: () => backend.pages(),
    outline: (page) => backend.outline(page),
    edit: (uuid, content) => {
      if (!backend.blockExists(uuid)) throw new Error(`emulated Logseq: no block ${uuid} to edit`);
      state.editing = { uuid: uuid.toLowerCase(), content };
    },
    navigations: () => [...state.navigations],
    messages: () => [...state.messages],
    file: (page) => {
      if (backend.file === undefined)
        throw new Error(`Logseq ${version} keeps its graph in a database, not in Markdown files`);
      return backend.file(page);
    },
  };
}
