import { afterEach, describe, expect, it } from 'vitest';
import { emulateLogseq } from './EmulatedLogseq.js';
import { type ServedLogseqApi, serveLogseqApi } from './serveLogseqApi.js';

const TOKEN = 'secret';
const U1 = '6571a6c1-0000-4000-8000-000000000001';
let served: ServedLogseqApi | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

const start = async (version: '0.10.15' | '2.0.1', tokens: string[] | null = [TOKEN]) => {
  const host = emulateLogseq(version);
  served = await serveLogseqApi(host, tokens === null ? {} : { tokens });
  const post = async (method: unknown, args: unknown[] = [], token: string | null = TOKEN) => {
    const res = await fetch(`${served!.url}/api`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify({ method, args }),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      text,
      body: res.headers.get('content-type')?.startsWith('application/json')
        ? (JSON.parse(text) as unknown)
        : text,
    };
  };
  return { host, post };
};

describe('authorization (server.cljs validate-auth-token)', () => {
  it('a wrong or blank token is a 401 Access Denied!', async () => {
    const { post } = await start('0.10.15');
    expect(await post('logseq.App.getUserConfigs', [], 'wrong')).toMatchObject({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', message: 'Access Denied!' },
    });
    expect((await post('logseq.App.getUserConfigs', [], '')).status).toBe(401);
    expect(served!.calls).toEqual([]);
  });

  it('no Authorization header is a 401 even with no tokens set', async () => {
    const { post } = await start('2.0.1', null);
    expect(await post('logseq.App.getUserConfigs', [], null)).toMatchObject({ status: 401 });
    expect((await post('logseq.App.getUserConfigs', [], 'anything')).status).toBe(200);
  });

  it('a missing method is a 400', async () => {
    const { post } = await start('0.10.15');
    expect(await post('  ')).toMatchObject({
      status: 400,
      body: { message: ':method of body is missing!' },
    });
  });
});

describe('0.10.15: names resolve to window.logseq.api, failures answer 200 { error }', () => {
  it.each([
    ['logseq.Editor.createJournalPage', 'MethodNotExist: create_journal_page'],
    ['logseq.App.checkCurrentIsDbGraph', 'MethodNotExist: check_current_is_db_graph'],
    // Not prefixed with logseq.: sent as is.
    ['getPage', 'MethodNotExist: getPage'],
    // The ui_ prefix names nothing in window.logseq.api.
    ['logseq.UI.showMsg', 'MethodNotExist: ui_show_msg'],
  ])('%s answers %s', async (method, error) => {
    const { post } = await start('0.10.15');
    expect(await post(method, ['x'])).toMatchObject({ status: 200, body: { error } });
  });

  it('a method that throws answers its message with 200', async () => {
    const { post } = await start('0.10.15');
    expect(await post('logseq.Editor.insertBlock', [' ', 'x', {}])).toMatchObject({
      status: 200,
      body: { error: "Page title or block UUID shouldn't be empty." },
    });
  });

  it('a journal line over HTTP: the page by its configured title, then a block with its uuid', async () => {
    const { host, post } = await start('0.10.15');
    const configs = (await post('logseq.App.getUserConfigs')).body as {
      preferredDateFormat: string;
    };
    expect(configs.preferredDateFormat).toBe('MMM do, yyyy');
    expect((await post('logseq.Editor.getPage', ['Dec 1st, 2026'])).text).toBe('null');
    const page = (await post('logseq.Editor.createPage', [
      'Dec 1st, 2026',
      {},
      { journal: true, createFirstBlock: false, redirect: false },
    ])) as { body: { uuid: string; 'journal?': boolean } };
    expect(page.body['journal?']).toBe(true);
    await post('get_page_blocks_tree', ['dec 1st, 2026']);
    await post('logseq.Editor.insertBlock', [page.body.uuid, 'by uuid', { focus: false }]);
    await post('logseq.Editor.insertBlock', ['Dec 1st, 2026', 'run r1', { customUUID: U1 }]);
    expect(host.file('dec 1st, 2026')).toBe(`- by uuid\n- run r1\n  id:: ${U1}`);
    // insert_block opened the editor (focus defaults to true): a string answers as text/plain.
    expect(await post('logseq.Editor.getEditingBlockContent')).toMatchObject({
      type: expect.stringMatching(/^text\/plain/),
      text: `run r1\nid:: ${U1}`,
    });
    expect(served!.calls.map((c) => c.method)).toContain('get_page_blocks_tree');
  });
});

describe('2.0.1: names resolve to ns@method, failures answer 500 { error }', () => {
  it.each([
    ['get_page', 'MethodNotExist: get_page'],
    ['logseq.Nothing.x', 'MethodNotExist: nothing@x'],
    ['logseq.Editor.nothing', "Cannot read properties of undefined (reading 'apply')"],
  ])('%s answers %s', async (method, error) => {
    const { post } = await start('2.0.1');
    expect(await post(method)).toMatchObject({ status: 500, body: { error } });
  });

  it('logseq.UI.showMsg reaches sdk.ui', async () => {
    const { host, post } = await start('2.0.1');
    await post('logseq.UI.showMsg', ['hi']);
    expect(host.messages()).toEqual([{ content: 'hi', status: undefined }]);
  });

  it('a journal line over HTTP; properties are named for no plugin (_test_plugin)', async () => {
    const { host, post } = await start('2.0.1');
    expect((await post('logseq.App.checkCurrentIsDbGraph')).body).toBe(true);
    const journal = (await post('logseq.Editor.createJournalPage', ['2026-12-01'])).body as {
      uuid: string;
    };
    await post('logseq.Editor.insertBlock', [journal.uuid, 'run r1', { customUUID: U1 }]);
    await post('logseq.Editor.upsertBlockProperty', [U1, 'run-id', 'r1']);
    expect(await post('logseq.Editor.getBlockProperties', [U1])).toMatchObject({
      status: 200,
      body: { ':plugin.property._test_plugin/run-id': 'r1' },
    });
    expect(await post('logseq.Editor.upsertBlockProperty', [U1, 'tokens', 0])).toMatchObject({
      status: 500,
      body: { error: 'Expected number or lookup ref for entity id, got 0' },
    });
    expect(host.outline(journal.uuid).map((b) => b.text)).toEqual(['run r1']);
  });
});
