import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_URL, readSettings, SETTINGS_SCHEMA, SettingsError } from './settings.js';

describe('readSettings', () => {
  it('defaults what is missing or blank, as the schema says', () => {
    const defaults = Object.fromEntries(SETTINGS_SCHEMA.map((s) => [s.key, s.default]));
    expect(readSettings(undefined)).toEqual({
      serverUrl: DEFAULT_SERVER_URL,
      token: '',
      pagePrefix: 'TTA',
      autoJournal: true,
    });
    expect(readSettings(defaults)).toEqual(readSettings({}));
    expect(readSettings({ serverUrl: '  ', pagePrefix: '' })).toEqual(readSettings({}));
  });

  it('trims, drops trailing slashes, and reads the switch', () => {
    expect(
      readSettings({
        serverUrl: ' http://10.0.0.5:4319/ ',
        token: ' secret-token-1234567 ',
        pagePrefix: '/Work/TTA/',
        autoJournal: false,
      }),
    ).toEqual({
      serverUrl: 'http://10.0.0.5:4319',
      token: 'secret-token-1234567',
      pagePrefix: 'Work/TTA',
      autoJournal: false,
    });
  });

  it('names the setting when the address is not http(s)', () => {
    expect(() => readSettings({ serverUrl: 'localhost:4319' })).toThrow(SettingsError);
    expect(() => readSettings({ serverUrl: 'ftp://x' })).toThrow(
      /^Run server address: "ftp:\/\/x" is not an http\(s\) address/,
    );
  });
});
