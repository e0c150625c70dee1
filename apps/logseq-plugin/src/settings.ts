import type { SettingSchemaDesc } from '@logseq/libs/dist/LSPlugin';
import { DEFAULT_JOURNAL_PREFIX } from '@tta-dev/workflows/journal';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:4319';

/** The plugin's settings, as read from Logseq's settings of the plugin. */
export interface PluginSettings {
  /** Where `tta serve` listens. */
  serverUrl: string;
  /** Its bearer token (browsers may call it only when it has one). */
  token: string;
  /** First part of the pages' names: `TTA/Runs/…`. */
  pagePrefix: string;
  /** Write each run's pages as its events arrive. */
  autoJournal: boolean;
}

export const SETTINGS_SCHEMA: SettingSchemaDesc[] = [
  {
    key: 'serverUrl',
    type: 'string',
    default: DEFAULT_SERVER_URL,
    title: 'Run server address',
    description: 'Where `tta serve` listens (it prints the address when it starts).',
  },
  {
    key: 'token',
    type: 'string',
    default: '',
    title: 'Run server token',
    description:
      'The token `tta serve` was started with. The server lets Logseq (a web page) in only when it has a token.',
  },
  {
    key: 'pagePrefix',
    type: 'string',
    default: DEFAULT_JOURNAL_PREFIX,
    title: 'Page prefix',
    description: 'First part of the pages the runs write: `TTA/Runs/<workflow>/<date> <run>`.',
  },
  {
    key: 'autoJournal',
    type: 'boolean',
    default: true,
    title: 'Auto-journal',
    description: "Write each run's pages in this graph as its events arrive.",
  },
];

/** A setting that cannot be used, with the setting's title. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/**
 * The settings from what Logseq stores (values of any type, missing ones default). Throws a
 * `SettingsError` naming the setting for an address that is not http(s).
 */
export function readSettings(raw: Record<string, unknown> | undefined): PluginSettings {
  const text = (key: string, fallback: string): string => {
    const value = raw?.[key];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
  };
  const serverUrl = text('serverUrl', DEFAULT_SERVER_URL).replace(/\/+$/, '');
  let protocol: string;
  try {
    protocol = new URL(serverUrl).protocol;
  } catch {
    protocol = '';
  }
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new SettingsError(
      `Run server address: "${serverUrl}" is not an http(s) address like ${DEFAULT_SERVER_URL}`,
    );
  const auto = raw?.autoJournal;
  return {
    serverUrl,
    token: text('token', ''),
    pagePrefix:
      text('pagePrefix', DEFAULT_JOURNAL_PREFIX).replace(/^\/+|\/+$/g, '') ||
      DEFAULT_JOURNAL_PREFIX,
    autoJournal: typeof auto === 'boolean' ? auto : auto !== 'false',
  };
}
