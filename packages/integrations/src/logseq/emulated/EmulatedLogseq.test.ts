import { describe, expect, it } from 'vitest';
import { emulateLogseq } from './EmulatedLogseq.js';
import { EXPORTED_METHODS } from './exportedMethods.js';

describe('the method list of each version', () => {
  it('0.10.15 has no DB-graph methods: they throw as the SDK throws', async () => {
    const host = emulateLogseq('0.10.15');
    await expect(host.api.Editor.createJournalPage('2026-12-01')).rejects.toThrow(
      'Not existed method #createJournalPage',
    );
    await expect(host.call('App.checkCurrentIsDbGraph', [])).rejects.toThrow(
      'Not existed method #checkCurrentIsDbGraph',
    );
    await expect(host.call('Editor.getPageProperties', ['x'])).rejects.toThrow(
      'Not existed method #getPageProperties',
    );
    for (const m of ['createTag', 'getTag', 'addBlockTag', 'upsertProperty', 'getProperty'])
      await expect(host.call(`Editor.${m}`, [])).rejects.toThrow(`Not existed method #${m}`);
  });

  it('2.0.1 has them', async () => {
    const host = emulateLogseq('2.0.1');
    expect(await host.api.App.checkCurrentIsDbGraph()).toBe(true);
    expect(EXPORTED_METHODS['2.0.1'].api).toEqual(
      expect.arrayContaining(['create_journal_page', 'get_page_properties', 'create_tag']),
    );
  });

  it('the lists are the whole of api.cljs, not only what is emulated', () => {
    expect(EXPORTED_METHODS['0.10.15'].api).toHaveLength(112);
    expect(EXPORTED_METHODS['2.0.1'].api).toHaveLength(144);
  });

  it('an exported method that is not emulated says so, distinctly from a missing one', async () => {
    const host = emulateLogseq('0.10.15');
    await expect(host.call('Editor.moveBlock', [])).rejects.toThrow(
      'emulated Logseq 0.10.15: api.move_block exists in Logseq but is not emulated',
    );
  });
});

describe('method names resolve as invokeHostExportedApi resolves them', () => {
  it.each([['Editor.getPage'], ['logseq.Editor.getPage'], ['getPage'], ['get_page'], ['_getPage']])(
    '%s is get_page',
    async (method) => {
      const host = emulateLogseq('0.10.15');
      await host.call('Editor.createPage', ['Home', {}, { redirect: false }]);
      expect(await host.call(method, ['home'])).toMatchObject({ originalName: 'Home' });
    },
  );

  it('UI.showMsg reaches sdk.ui.show_msg through the ui_ prefix the proxy adds', async () => {
    const host = emulateLogseq('2.0.1');
    await host.api.UI.showMsg('hello', 'warning');
    expect(host.messages()).toEqual([{ content: 'hello', status: 'warning' }]);
  });

  it('a UI method that does not exist is named with its prefix', async () => {
    const host = emulateLogseq('0.10.15');
    await expect(host.call('UI.nothing', [])).rejects.toThrow('Not existed method #ui_nothing');
  });
});

describe('what crosses postMessage', () => {
  it('arguments and results go through a JSON round trip', async () => {
    const host = emulateLogseq('0.10.15');
    const page = (await host.call('Editor.createPage', [
      'Home',
      { when: undefined, n: 1 },
      { redirect: false },
    ])) as Record<string, unknown>;
    expect(JSON.parse(JSON.stringify(page))).toEqual(page);
    expect(page.properties).toEqual({ n: 1 });
  });

  it('an undefined result is null', async () => {
    const host = emulateLogseq('0.10.15');
    expect(await host.call('Editor.getPage', ['missing'])).toBeNull();
  });
});
