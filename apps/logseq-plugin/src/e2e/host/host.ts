/**
 * A Logseq host for the built plugin, in a browser page: what Logseq's plugin core does for a
 * plugin, speaking the same protocol as `@logseq/libs` (Postmate over `postMessage`: the
 * handshake with the plugin's iframe, `#lspmsg#ready#`, the plugin's `api:call`s answered through
 * `#lspmsg#reply#`, hooks through `#lspmsg#`, model calls for `data-on-click`). The plugin core's
 * own part (the SDK metadata, hooks, toolbar items, slash commands) is played here; every other
 * call goes to `emulateLogseq(version)`, the Logseq of that version with its method list, lookups
 * and errors ("Not existed method #…", replied as an error as `LSPlugin.core.ts`'s `api:call`
 * handler replies). The page shows the toolbar items, the page opened last and the plugin's main
 * UI, like Logseq. Tests drive and inspect it through `window.__host`.
 *
 * Query: `plugin` (URL of the plugin's folder), `settings` (JSON), `graph` (`file`: Logseq
 * 0.10.15, `db`: 2.0.1) or `version` (`0.10.15`, `2.0.1`).
 */
import {
  type EmulatedBlock,
  type EmulatedLogseq,
  EXPORTED_METHODS,
  emulateLogseq,
  type LogseqVersion,
} from '@tta-dev/integrations/testing/logseq';

const MESSAGE_TYPE = 'application/x-postmate-v1+json';
const LSPMSG = '#lspmsg#';
const LSPMSG_READY = '#lspmsg#ready#';
const LSPMSG_SYNC = '#lspmsg#reply#';
const LSPMSG_ERROR_TAG = '#lspmsg#error#';

interface ApiCall {
  method: string;
  args: unknown[];
  _sync?: number;
}

const params = new URLSearchParams(location.search);
const pluginBase = new URL(params.get('plugin') ?? '', location.href);
const settings = JSON.parse(params.get('settings') ?? '{}') as Record<string, unknown>;
const version = (params.get('version') ??
  (params.get('graph') === 'db' ? '2.0.1' : '0.10.15')) as LogseqVersion;
if (!(version in EXPORTED_METHODS)) throw new Error(`no emulated Logseq ${version}`);
const graph = emulateLogseq(version);

/** Every call, snake-cased; the calls the version has no method for, as sent; failed calls. */
const calls: string[] = [];
const unknownCalls: string[] = [];
const errors: string[] = [];
const slashCommands = new Map<string, string>();
const hooks = new Set<string>();
let pid = '';
let child: Window | null = null;
let childOrigin = '';
let container: HTMLElement;
let toolbarReady: () => void;
const ready = new Promise<void>((resolve) => {
  toolbarReady = resolve;
});

/** `snake-case` 3 (what `@logseq/libs` uses on both sides): split on case changes and symbols. */
function snakeCase(input: string): string {
  return input
    .replace(/([a-z0-9])([A-Z])/g, '$1\0$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1\0$2')
    .replace(/[^A-Za-z0-9]+/g, '\0')
    .split('\0')
    .filter(Boolean)
    .map((part) => part.toLowerCase())
    .join('_');
}

/** Postmate `call`: runs a function of the plugin's model. */
function callChild(property: string, data: unknown): void {
  child?.postMessage({ postmate: 'call', type: MESSAGE_TYPE, property, data }, childOrigin);
}

/**
 * The plugin core's part of the API: `callable.apis.ts` (`setSDKMetadata`) and the api.cljs
 * methods that reach the plugin UI (these only where the version exports them).
 */
const core: Record<string, (...args: unknown[]) => unknown> = {
  set_sdk_metadata: () => null,
  install_plugin_hook: (_pid, hook) => {
    hooks.add(String(hook));
    return null;
  },
  uninstall_plugin_hook: (_pid, hook) => {
    hooks.delete(String(hook));
    return null;
  },
  register_plugin_ui_item: (_pid, type, opts) => {
    const { key, template } = opts as { key: string; template: string };
    if (type !== 'toolbar') throw new Error(`unsupported UI item type ${String(type)}`);
    const item = document.createElement('span');
    item.className = 'toolbar-item';
    item.id = `${pid}--${key}`;
    item.innerHTML = template;
    item.addEventListener('click', (e) => {
      const trigger = (e.target as HTMLElement).closest<HTMLElement>('[data-on-click]');
      const method = trigger?.dataset.onClick;
      if (method !== undefined)
        callChild(method, {
          id: trigger!.id,
          className: trigger!.className,
          dataset: { ...trigger!.dataset },
        });
    });
    document.getElementById('toolbar')!.append(item);
    toolbarReady();
    return null;
  },
  register_plugin_slash_command: (_pid, command) => {
    const [tag, actions] = command as [string, [string, ...unknown[]][]];
    const hook = actions.find(([action]) => action === 'editor/hook');
    if (hook !== undefined) slashCommands.set(tag, String(hook[1]));
    return null;
  },
};

async function invoke({ method, args }: ApiCall): Promise<unknown> {
  // As Logseq's `invokeHostExportedApi`: leading `_` and `$` go, then snake_case.
  const name = snakeCase(method.startsWith('_call') ? method : method.replace(/^[_$]+/, ''));
  calls.push(name);
  const own = core[name];
  if (
    own !== undefined &&
    (name === 'set_sdk_metadata' || EXPORTED_METHODS[version].api.includes(name))
  )
    return own(...args);
  let result: unknown;
  try {
    result = await graph.call(method, args);
  } catch (error) {
    if (/^Not existed method/.test((error as Error).message)) unknownCalls.push(method);
    throw error;
  }
  if (name === 'ui_show_msg') showToast(String(args[0]), args[1] as string | undefined);
  renderPage();
  return result;
}

function showToast(content: string, status: string | undefined): void {
  const toast = document.createElement('div');
  toast.className = `toast toast-${status ?? 'success'}`;
  toast.textContent = content;
  document.getElementById('toasts')!.append(toast);
  setTimeout(() => toast.remove(), 4000);
}

function onPluginMessage(type: string, payload: unknown): void {
  switch (type) {
    case 'api:call': {
      const call = payload as ApiCall;
      void invoke(call).then(
        (result) => {
          if (call._sync !== undefined)
            callChild(LSPMSG_SYNC, { _sync: call._sync, result: result ?? null });
        },
        (error: unknown) => {
          errors.push(`${call.method}: ${(error as Error).message}`);
          if (call._sync !== undefined)
            callChild(LSPMSG_SYNC, {
              _sync: call._sync,
              // What the plugin core replies (LSPlugin.core.ts initApiProxyHandlers): the error.
              result: { [LSPMSG_ERROR_TAG]: new Error((error as Error).message) },
            });
        },
      );
      break;
    }
    case 'main-ui:visible': {
      const { visible, toggle } = payload as { visible?: boolean; toggle?: boolean };
      container.classList[toggle ? 'toggle' : visible ? 'add' : 'remove']('visible');
      break;
    }
    case 'main-ui:style':
      for (const [key, value] of Object.entries(payload as Record<string, string>))
        container.style.setProperty(
          key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
          value,
        );
      break;
    default:
      // settings:schema, main-ui:attrs, provider:*: nothing to show.
      break;
  }
}

/** Loads the plugin like Logseq: its package.json's `logseq` field, then its page in an iframe. */
async function load(): Promise<void> {
  const pkg = (await (await fetch(new URL('package.json', pluginBase))).json()) as {
    logseq: { id: string; main: string };
  };
  pid = pkg.logseq.id;
  const entry = new URL(pkg.logseq.main, pluginBase);
  childOrigin = entry.origin;
  container = document.createElement('div');
  container.className = 'lsp-iframe-sandbox-container';
  container.id = `${pid}_lsp_main`;
  const frame = document.createElement('iframe');
  frame.className = 'lsp-iframe-sandbox';
  frame.id = `${pid}_iframe`;
  container.append(frame);
  document.body.append(container);
  child = frame.contentWindow;

  const baseInfo = {
    id: pid,
    mode: 'iframe',
    settings: { disabled: false, ...settings },
    effect: false,
    iir: false,
    lsr: pluginBase.href,
  };
  await new Promise<void>((resolve) => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const handshake = () =>
      child?.postMessage(
        { postmate: 'handshake', type: MESSAGE_TYPE, model: { baseInfo } },
        childOrigin,
      );
    window.addEventListener('message', function reply(e) {
      if (e.origin !== childOrigin || e.data?.postmate !== 'handshake-reply') return;
      window.removeEventListener('message', reply);
      clearInterval(timer);
      resolve();
    });
    frame.addEventListener('load', () => {
      handshake();
      timer = setInterval(handshake, 250);
    });
    frame.src = entry.href;
  });
  window.addEventListener('message', (e) => {
    if (e.origin !== childOrigin || e.data?.type !== MESSAGE_TYPE || e.data.postmate !== 'emit')
      return;
    const { name, data } = e.data.value as {
      name: string;
      data: { type: string; payload: unknown };
    };
    if (name === `${LSPMSG}${pid}`) onPluginMessage(data.type, data.payload);
  });
  callChild(LSPMSG_READY, { pid });
}

/** The page opened last, drawn as Logseq draws an outline (what the screenshot shows). */
let renderQueued = false;
function renderPage(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    const opened = graph.navigations().at(-1);
    if (opened === undefined) return;
    const page = graph.pages().find((p) => p.uuid === opened.page);
    const title = text('h1', page?.title ?? opened.name ?? '');
    document
      .getElementById('page')!
      .replaceChildren(
        title,
        page === undefined ? text('p', '(no such page)') : outline(graph.outline(page.uuid)),
      );
  });
}

/** Blocks with their text and properties: file graphs' `key:: value` lines, DB graphs' values. */
function outline(blocks: readonly EmulatedBlock[]): HTMLElement {
  const list = document.createElement('ul');
  for (const block of blocks) {
    const item = document.createElement('li');
    const lines = block.text.split('\n');
    const property = /^[\w.-]+:: /;
    const body = lines.filter((l) => !property.test(l));
    if (body.some((l) => l.trim() !== '')) item.append(inline(body.join('\n')));
    const properties =
      graph.kind === 'file'
        ? lines
            .filter((l) => property.test(l) && !l.startsWith('id:: '))
            .map((l) => l.split(':: ') as [string, string])
        : Object.entries(block.properties).map(([key, { value }]): [string, string] => [
            key.replace(/^.*\//, ''),
            Array.isArray(value) ? value.join(', ') : String(value),
          ]);
    for (const [key, value] of properties) {
      const row = document.createElement('div');
      row.className = 'prop';
      row.append(text('span', `${key}: `), inline(value));
      item.append(row);
    }
    if (block.children.length > 0) item.append(outline(block.children));
    list.append(item);
  }
  return list;
}

/** A block's text with its Markdown emphasis, tags and page links set apart. */
function inline(source: string): HTMLElement {
  const span = document.createElement('span');
  span.className = 'text';
  for (const part of source.split(/(\*\*[^*]+\*\*|\[\[[^\]]+\]\]|#[\w-]+|`[^`]+`)/)) {
    if (part === '') continue;
    if (part.startsWith('**')) span.append(text('strong', part.slice(2, -2)));
    else if (part.startsWith('[[')) span.append(text('a', part.slice(2, -2)));
    else if (part.startsWith('#')) span.append(text('a', part, 'tag'));
    else if (part.startsWith('`')) span.append(text('code', part.slice(1, -1)));
    else span.append(part);
  }
  return span;
}

function text(tag: string, content: string, className?: string): HTMLElement {
  const element = document.createElement(tag);
  element.textContent = content;
  if (className !== undefined) element.className = className;
  return element;
}

/** Runs a registered slash command on a block, as Logseq does once its item is chosen. */
function runSlashCommand(label: string, uuid: string): void {
  const key = slashCommands.get(label);
  if (key === undefined) throw new Error(`no slash command "${label}"`);
  callChild(LSPMSG, { ns: 'hook:editor', type: snakeCase(key), payload: { uuid } });
}

declare global {
  interface Window {
    __host: {
      ready: Promise<void>;
      /** The emulated Logseq (0.10.15 or 2.0.1) the plugin's API calls reach. */
      graph: EmulatedLogseq;
      calls: string[];
      unknownCalls: string[];
      errors: string[];
      slashCommands: string[];
      runSlashCommand(label: string, uuid: string): void;
    };
  }
}

window.__host = {
  ready,
  graph,
  calls,
  unknownCalls,
  errors,
  get slashCommands() {
    return [...slashCommands.keys()];
  },
  runSlashCommand,
};
void load();
