import { describe, expect, it } from 'vitest';
import { emulateLogseq } from './EmulatedLogseq.js';

const U1 = '6571a6c1-0000-4000-8000-000000000001';
const U2 = '6571a6c1-0000-4000-8000-000000000002';
type Json = Record<string, unknown>;

const logseq = () => {
  const host = emulateLogseq('0.10.15');
  return { host, Editor: host.api.Editor, App: host.api.App };
};

describe('Logseq 0.10.15 pages', () => {
  it('get_page finds a page by its lower-cased full name, namespaces kept, or by uuid or id', async () => {
    const { host, Editor } = logseq();
    const page = (await Editor.createPage('TTA/Runs/x', {}, { redirect: false })) as Json;
    expect(page).toMatchObject({
      name: 'tta/runs/x',
      originalName: 'TTA/Runs/x',
      'journal?': false,
    });
    expect(await Editor.getPage('tta/RUNS/X')).toMatchObject({ uuid: page.uuid });
    expect(await Editor.getPage(page.uuid)).toMatchObject({ name: 'tta/runs/x' });
    expect(await Editor.getPage(page.id)).toMatchObject({ name: 'tta/runs/x' });
    // Every namespace level is a page named by its full path.
    expect(host.pages().map((p) => p.name)).toEqual(['tta', 'tta/runs', 'tta/runs/x']);
    expect(host.pages()[2]!.parent).toBe(host.pages()[1]!.uuid);
  });

  it('get_page of a block is null', async () => {
    const { Editor } = logseq();
    await Editor.createPage('P', {}, { redirect: false, createFirstBlock: false });
    await Editor.insertBlock('P', 'a', { customUUID: U1 });
    expect(await Editor.getPage(U1)).toBeNull();
  });

  it('create_page returns the page that exists, its properties in a pre-block', async () => {
    const { host, Editor } = logseq();
    const first = (await Editor.createPage(
      'Run',
      { 'run-id': 'r1', tokens: '12' },
      { redirect: false, createFirstBlock: false },
    )) as Json;
    expect(first.properties).toEqual({ runId: 'r1', tokens: 12 });
    const again = (await Editor.createPage('run', { other: 'x' }, { redirect: false })) as Json;
    expect(again.uuid).toBe(first.uuid);
    const tree = (await Editor.getPageBlocksTree('Run')) as Json[];
    expect(tree).toHaveLength(1);
    expect(tree[0]).toMatchObject({
      'preBlock?': true,
      content: 'run-id:: r1\ntokens:: 12',
      properties: { runId: 'r1', tokens: 12 },
      propertiesOrder: ['runId', 'tokens'],
    });
    expect(host.file('run')).toBe('run-id:: r1\ntokens:: 12\n');
    // Setting a pre-block property sets the page's, as given (not parsed).
    await Editor.upsertBlockProperty(tree[0]!.uuid, 'tokens', '13');
    expect(((await Editor.getPage('run')) as Json).properties).toEqual({
      runId: 'r1',
      tokens: '13',
    });
  });

  it('create_page makes an empty first block and redirects unless told not to', async () => {
    const { host, Editor } = logseq();
    await Editor.createPage('Home');
    expect(host.outline('home')).toEqual([
      { uuid: expect.any(String), text: '', properties: {}, collapsed: false, children: [] },
    ]);
    expect(host.navigations()).toEqual([{ route: 'page', name: 'Home', page: expect.any(String) }]);
  });

  it('a page titled in the date format is a journal page', async () => {
    const { Editor } = logseq();
    const page = (await Editor.createPage(
      'Dec 1st, 2026',
      {},
      { journal: true, redirect: false },
    )) as Json;
    expect(page).toMatchObject({ 'journal?': true, journalDay: 20261201, name: 'dec 1st, 2026' });
    // Any of date/journal-title-formatters makes a journal page, named as typed.
    expect(await Editor.createPage('2026-12-02', {}, { redirect: false })).toMatchObject({
      'journal?': true,
      journalDay: 20261202,
      originalName: '2026-12-02',
    });
  });

  it('get_user_configs gives the date format journal pages are named by', async () => {
    const host = emulateLogseq('0.10.15', { preferredDateFormat: 'yyyy-MM-dd' });
    expect(await host.api.App.getUserConfigs()).toMatchObject({
      preferredDateFormat: 'yyyy-MM-dd',
    });
  });
});

describe('Logseq 0.10.15 blocks', () => {
  it('insert_block to a page name creates the page and appends; the editor opens unless focus is false', async () => {
    const { host, Editor } = logseq();
    const a = (await Editor.insertBlock('New page', 'a', { focus: false })) as Json;
    await Editor.insertBlock('new page', 'b', {});
    expect(host.outline('new page').map((b) => b.text)).toEqual(['a', 'b']);
    expect(a.page).toBe(host.pages()[0]!.id);
    expect(await Editor.checkEditing()).toBe(host.outline('new page')[1]!.uuid);
    expect(await Editor.getEditingBlockContent()).toBe('b');
  });

  it('puts the id:: line first in a text without a title line (fenced code), after it otherwise', async () => {
    const { host, Editor } = logseq();
    await Editor.insertBlock('P', '```sh\nls\n```', { customUUID: U1, focus: false });
    await Editor.insertBlock('P', 'a\nmore', { customUUID: U2, focus: false });
    expect(host.outline('p').map((b) => b.text)).toEqual([
      `id:: ${U1}\n\`\`\`sh\nls\n\`\`\``,
      `a\nid:: ${U2}\nmore`,
    ]);
  });

  it('customUUID (or properties.id) becomes the uuid and an id:: line', async () => {
    const { host, Editor } = logseq();
    await Editor.insertBlock('P', 'a', { customUUID: U1, focus: false });
    await Editor.insertBlock('P', 'b', { properties: { id: U2, 'run-id': 'r' }, focus: false });
    expect(host.outline('p').map((b) => [b.uuid, b.text])).toEqual([
      [U1, `a\nid:: ${U1}`],
      [U2, `b\nid:: ${U2}\nrun-id:: r`],
    ]);
  });

  it('refuses a uuid in use or not a uuid, and an empty target', async () => {
    const { Editor } = logseq();
    await Editor.insertBlock('P', 'a', { customUUID: U1, focus: false });
    await expect(Editor.insertBlock('P', 'b', { customUUID: U1 })).rejects.toThrow(
      `Custom block UUID already exists (${U1}).`,
    );
    await expect(Editor.insertBlock('P', 'b', { customUUID: 'nope' })).rejects.toThrow(
      'nope is not a valid UUID string.',
    );
    await expect(Editor.insertBlock(' ', 'b', {})).rejects.toThrow(
      "Page title or block UUID shouldn't be empty.",
    );
  });

  it('places as api.cljs:603 and api-insert-new-block! do', async () => {
    const { host, Editor } = logseq();
    const o = { focus: false };
    await Editor.insertBlock('P', 'parent', { ...o, customUUID: U1 });
    // No sibling: the target's LAST child.
    await Editor.insertBlock(U1, 'c1', o);
    await Editor.insertBlock(U1, 'c2', { ...o, sibling: false });
    // before without sibling: its first child.
    await Editor.insertBlock(U1, 'c0', { ...o, before: true });
    // sibling: after it; sibling and before: before it.
    await Editor.insertBlock(U1, 'after', { ...o, sibling: true });
    await Editor.insertBlock(U1, 'before', { ...o, sibling: true, before: true });
    const texts = (bs: ReturnType<typeof host.outline>): unknown[] =>
      bs.map((b) => (b.children.length > 0 ? [b.text.split('\n')[0], texts(b.children)] : b.text));
    expect(texts(host.outline('p'))).toEqual(['before', ['parent', ['c0', 'c1', 'c2']], 'after']);
  });

  it('an unknown target uuid inserts nothing and gives null', async () => {
    const { Editor } = logseq();
    expect(await Editor.insertBlock(U2, 'x', {})).toBeNull();
  });

  it('update_block re-parses the text: its property lines become properties; id:: stays', async () => {
    const { host, Editor } = logseq();
    await Editor.insertBlock('P', 'a', { customUUID: U1, focus: false });
    await Editor.updateBlock(
      U1,
      'new text\nstatus:: done\ncount:: 3\nflag:: true\nrefs:: [[A]], [[B]]',
    );
    const [block] = host.outline('p');
    expect(block!.text).toBe(
      `new text\nid:: ${U1}\nstatus:: done\ncount:: 3\nflag:: true\nrefs:: [[A]], [[B]]`,
    );
    expect(block!.properties).toEqual({
      id: { value: U1 },
      status: { value: 'done' },
      count: { value: 3 },
      flag: { value: true },
      refs: { value: ['A', 'B'] },
    });
  });

  it('update_block of the block being edited changes only the editor', async () => {
    const { host, Editor } = logseq();
    await Editor.insertBlock('P', 'a', { customUUID: U1 });
    await Editor.updateBlock(U1, 'typed');
    expect(host.outline('p')[0]!.text).toBe(`a\nid:: ${U1}`);
    expect(await Editor.getEditingBlockContent()).toBe('typed');
    await Editor.exitEditingMode();
    expect(host.outline('p')[0]!.text).toBe(`typed\nid:: ${U1}`);
    expect(await Editor.checkEditing()).toBe(false);
  });

  it('upsert_block_property sets the line; the tree gives camelCase keys and the raw text', async () => {
    const { Editor } = logseq();
    await Editor.insertBlock('P', 'a', { customUUID: U1, focus: false });
    await Editor.upsertBlockProperty(U1, 'run-id', 'r1');
    await Editor.upsertBlockProperty(U1, 'run-id', 'r2');
    const [block] = (await Editor.getPageBlocksTree('p')) as Json[];
    expect(block).toMatchObject({
      uuid: U1,
      content: `a\nid:: ${U1}\nrun-id:: r2`,
      properties: { id: U1, runId: 'r2' },
      page: { id: expect.any(Number) },
      children: [],
    });
    expect(block).not.toHaveProperty('title');
  });

  it('upsert_block_property stores the value as given, under the key as given, without re-parsing', async () => {
    const { Editor } = logseq();
    await Editor.insertBlock('P', 'a', { customUUID: U1, focus: false });
    await Editor.upsertBlockProperty(U1, 'tokens', '12');
    await Editor.upsertBlockProperty(U1, 'runId', 'r');
    expect(await Editor.getBlockProperties(U1)).toEqual({ id: U1, tokens: '12', runId: 'r' });
    expect(await Editor.getBlock(U1)).toMatchObject({
      content: `a\nid:: ${U1}\ntokens:: 12\nrunId:: r`,
    });
    // Text saved through update_block is parsed: digits are a number there.
    await Editor.updateBlock(U1, `a\nid:: ${U1}\ntokens:: 12\nrun_id:: r`);
    expect(await Editor.getBlockProperties(U1)).toEqual({ id: U1, tokens: 12, runId: 'r' });
  });

  it('a list value is written as Clojure prints a vector: tags:: then names one page, `["x" "y"]`', async () => {
    const { host, Editor } = logseq();
    await Editor.insertBlock('P', 'a', {
      customUUID: U1,
      focus: false,
      properties: { tags: ['x', 'y'], n: [1] },
    });
    const [block] = host.outline('p');
    expect(block!.text).toBe(`a\ntags:: ["x" "y"]\nn:: [1]\nid:: ${U1}`);
    expect(block!.properties.tags).toEqual({ value: ['["x" "y"]'] });
    expect(block!.properties.n).toEqual({ value: '[1]' });
  });

  it('get_block gives children as ["uuid", id] pairs; pages are null', async () => {
    const { Editor } = logseq();
    await Editor.insertBlock('P', 'a', { customUUID: U1, focus: false });
    await Editor.insertBlock(U1, 'b', { customUUID: U2, focus: false });
    expect(await Editor.getBlock(U1)).toMatchObject({ children: [['uuid', U2]] });
    expect(await Editor.getBlock(U1, { includeChildren: true })).toMatchObject({
      children: [{ uuid: U2 }],
    });
    await expect(Editor.getBlock('p')).rejects.toThrow('p is not a valid UUID string.');
  });

  it('remove_block removes the block and its children', async () => {
    const { host, Editor } = logseq();
    await Editor.insertBlock('P', 'a', { customUUID: U1, focus: false });
    await Editor.insertBlock(U1, 'b', { customUUID: U2, focus: false });
    await Editor.removeBlock(U1);
    expect(host.outline('p')).toEqual([]);
    expect(await Editor.getBlock(U2)).toBeNull();
  });
});

describe('the file Logseq 0.10.15 writes', () => {
  it('is tree->file-content: bullets, two-space continuation lines, a tab per level', async () => {
    const { host, Editor } = logseq();
    await Editor.createPage('P', { type: 'run' }, { redirect: false, createFirstBlock: false });
    const pre = host.outline('p')[0]!.uuid;
    await Editor.insertBlock(pre, 'first\nsecond line', {
      sibling: true,
      customUUID: U1,
      focus: false,
    });
    await Editor.insertBlock(U1, 'child', { customUUID: U2, focus: false });
    expect(host.file('p')).toBe(
      `type:: run\n\n- first\n  id:: ${U1}\n  second line\n\t- child\n\t  id:: ${U2}`,
    );
  });
});
