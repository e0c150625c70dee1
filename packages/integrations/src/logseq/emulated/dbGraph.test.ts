import { afterEach, describe, expect, it } from 'vitest';
import { emulateLogseq } from './EmulatedLogseq.js';

const U1 = '6571a6c1-0000-4000-8000-000000000001';
const U2 = '6571a6c1-0000-4000-8000-000000000002';
const P = ':plugin.property.logseq-plugin-tta';
type Json = Record<string, unknown>;

const logseq = () => {
  const host = emulateLogseq('2.0.1');
  return { host, Editor: host.api.Editor, App: host.api.App };
};
const page = async (Editor: ReturnType<typeof logseq>['Editor'], name = 'Run') =>
  (await Editor.createPage(name, {}, { redirect: false })) as Json;

describe('Logseq 2.0.1 pages', () => {
  it('create_page splits a namespaced name; the full name then finds nothing, the uuid finds the leaf', async () => {
    const { host, Editor } = logseq();
    const leaf = (await Editor.createPage(
      'TTA/Runs/x/2026-12-01 r1',
      {},
      { redirect: false },
    )) as Json;
    expect(leaf).toMatchObject({ title: '2026-12-01 r1', name: '2026-12-01 r1' });
    expect(await Editor.getPage('TTA/Runs/x/2026-12-01 r1')).toBeNull();
    expect(await Editor.getPage(leaf.uuid)).toMatchObject({ uuid: leaf.uuid });
    const byTitle = new Map(host.pages().map((p) => [p.title, p]));
    expect(byTitle.get('TTA')!.parent).toBe(byTitle.get('Library')!.uuid);
    expect(byTitle.get('Runs')!.parent).toBe(byTitle.get('TTA')!.uuid);
    expect(byTitle.get('x')!.parent).toBe(byTitle.get('Runs')!.uuid);
    expect(byTitle.get('2026-12-01 r1')!.parent).toBe(byTitle.get('x')!.uuid);
  });

  it('create_page of the same full name again gives the existing leaf; a customUUID is then ignored', async () => {
    const { Editor } = logseq();
    const first = (await Editor.createPage('TTA/Runs/x/leaf', {}, { redirect: false })) as Json;
    const again = (await Editor.createPage(
      'TTA/Runs/x/leaf',
      {},
      { redirect: false, customUUID: U1 },
    )) as Json;
    expect(again.uuid).toBe(first.uuid);
  });

  it('create_page takes a customUUID for a new page', async () => {
    const { Editor } = logseq();
    const leaf = (await Editor.createPage(
      'TTA/Runs/y/leaf',
      {},
      { redirect: false, customUUID: U1 },
    )) as Json;
    expect(leaf.uuid).toBe(U1);
  });

  it('lookups by name return the OLDEST page of that :block/name', async () => {
    const { Editor } = logseq();
    const a = (await Editor.createPage('TTA/Runs/a/prepare', {}, { redirect: false })) as Json;
    await Editor.createPage('TTA/Runs/b/prepare', {}, { redirect: false });
    expect(await Editor.getPage('Prepare')).toMatchObject({ uuid: a.uuid });
    // create_page by the bare name returns it too (<get-block finds it first).
    expect(await Editor.createPage('prepare', {}, { redirect: false })).toMatchObject({
      uuid: a.uuid,
    });
  });

  it('push_state opens what the name resolves to: nothing for a full namespaced name', async () => {
    const { host, Editor, App } = logseq();
    const leaf = (await Editor.createPage('TTA/Runs/x/leaf', {}, { redirect: false })) as Json;
    await App.pushState('page', { name: 'TTA/Runs/x/leaf' });
    await App.pushState('page', { name: leaf.uuid });
    expect(host.navigations()).toEqual([
      { route: 'page', name: 'TTA/Runs/x/leaf', page: null },
      { route: 'page', name: leaf.uuid, page: leaf.uuid },
    ]);
  });

  it('page JSON has no properties object: values are keyed by ident, refs as entity ids', async () => {
    const { Editor } = logseq();
    const run = (await Editor.createPage('Run', { 'run-id': 'r1' }, { redirect: false })) as Json;
    expect(run).not.toHaveProperty('properties');
    expect(run).not.toHaveProperty('originalName');
    expect(run[`${P}/run-id`]).toEqual(expect.any(Number));
    expect(await Editor.getPageProperties('run')).toEqual({
      ':block/tags': ['Page'],
      [`${P}/run-id`]: 'r1',
    });
  });

  describe('create_journal_page reads the date with new Date() and takes its LOCAL day', () => {
    const tz = process.env.TZ;
    afterEach(() => {
      process.env.TZ = tz;
    });
    it.each([
      ['America/New_York', 20261130, 'Nov 30th, 2026'],
      ['Asia/Tokyo', 20261201, 'Dec 1st, 2026'],
      ['UTC', 20261201, 'Dec 1st, 2026'],
    ])('under %s 2026-12-01 is %s', async (zone, day, title) => {
      process.env.TZ = zone;
      const { host, Editor } = logseq();
      const journal = (await Editor.createJournalPage('2026-12-01')) as Json;
      expect(journal).toMatchObject({ journalDay: day, title });
      expect(journal.uuid).toBe(
        `00000001-${String(day).slice(0, 4)}-${String(day).slice(4)}-0000-000000000000`,
      );
      expect(host.pages().find((p) => p.journalDay === day)!.tags).toEqual(['Journal']);
      // A second call gives the same page.
      expect(await Editor.createJournalPage('2026-12-01')).toMatchObject({ uuid: journal.uuid });
    });
  });
});

describe('Logseq 2.0.1 properties', () => {
  it('an integer is an entity id: 0 throws as datascript does', async () => {
    const { Editor } = logseq();
    const run = await page(Editor);
    await expect(Editor.upsertBlockProperty(run.uuid, 'tokens', 0)).rejects.toThrow(
      'Expected number or lookup ref for entity id, got 0',
    );
  });

  it('a property is typed by its first value: "12" makes it :default, so 12 later is an entity id', async () => {
    const { host, Editor } = logseq();
    const run = await page(Editor);
    await Editor.upsertBlockProperty(run.uuid, 'tokens', '12');
    expect(host.pages().find((p) => p.title === 'Run')!.properties[`${P.slice(1)}/tokens`]).toEqual(
      {
        value: '12',
        type: 'default',
        cardinality: 'one',
      },
    );
    await expect(Editor.upsertBlockProperty(run.uuid, 'tokens', 12)).rejects.toThrow(
      'Schema validation failed',
    );
  });

  it('an integer for a :default property silently links to whatever block has that id', async () => {
    const { Editor } = logseq();
    const run = await page(Editor);
    const other = (await Editor.insertBlock(run.uuid, 'unrelated text', {})) as Json;
    await Editor.upsertBlockProperty(run.uuid, 'note', 'first');
    await Editor.upsertBlockProperty(run.uuid, 'note', other.id);
    expect((await Editor.getPageProperties(run.uuid)) as Json).toMatchObject({
      [`${P}/note`]: 'unrelated text',
    });
  });

  it('a :number property takes an integer as a ref when it names a value entity of that property', async () => {
    const { Editor } = logseq();
    const run = await page(Editor);
    const b1 = (await Editor.insertBlock(run.uuid, 'step 1', {})) as Json;
    const b2 = (await Editor.insertBlock(run.uuid, 'step 2', {})) as Json;
    await Editor.upsertBlockProperty(b1.uuid, 'tokens', 3500);
    const valueId = ((await Editor.getBlock(b1.uuid)) as Json)[`${P}/tokens`] as number;
    expect(valueId).not.toBe(3500);
    await Editor.upsertBlockProperty(b2.uuid, 'tokens', valueId);
    expect((await Editor.getBlockProperties(b2.uuid)) as Json).toMatchObject({
      [`${P}/tokens`]: 3500,
    });
  });

  it('upsert_property creates a property with its type first; strings for :number are parse-double', async () => {
    const { host, Editor } = logseq();
    const run = await page(Editor);
    expect(await Editor.upsertProperty('tokens', { type: 'number' })).toMatchObject({
      ':logseq.property/type': 'number',
    });
    await Editor.upsertBlockProperty(run.uuid, 'tokens', '12');
    expect(await Editor.getProperty('tokens')).toMatchObject({ type: 'number', title: 'tokens' });
    expect(host.pages().find((p) => p.title === 'Run')!.properties[`${P.slice(1)}/tokens`]).toEqual(
      {
        value: 12,
        type: 'number',
        cardinality: 'one',
      },
    );
    // Unparsable: parse-double gives nil, which removes the property.
    await Editor.upsertBlockProperty(run.uuid, 'tokens', 'many');
    expect(host.pages().find((p) => p.title === 'Run')!.properties).toEqual({});
  });

  it('cardinality: many from a first list, one refuses a list, reset replaces', async () => {
    const { Editor } = logseq();
    const run = await page(Editor);
    await Editor.upsertBlockProperty(run.uuid, 'status', 'open');
    await expect(Editor.upsertBlockProperty(run.uuid, 'status', ['a', 'b'])).rejects.toThrow(
      'Property status has cardinality `one` but passed multiple values',
    );
    await Editor.upsertBlockProperty(run.uuid, 'labels', ['a', 'b']);
    await Editor.upsertBlockProperty(run.uuid, 'labels', ['c']);
    expect(((await Editor.getPageProperties(run.uuid)) as Json)[`${P}/labels`]).toEqual([
      'a',
      'b',
      'c',
    ]);
    await Editor.upsertBlockProperty(run.uuid, 'labels', ['d'], { reset: true });
    expect(((await Editor.getPageProperties(run.uuid)) as Json)[`${P}/labels`]).toEqual(['d']);
  });

  it('plugins can only upsert their own properties', async () => {
    const { Editor } = logseq();
    const run = await page(Editor);
    await expect(
      Editor.upsertBlockProperty(run.uuid, ':logseq.property/status', 'x'),
    ).rejects.toThrow('Plugins can only upsert its own properties');
    await expect(Editor.upsertProperty('other.plugin/x', {})).rejects.toThrow(
      'Plugins can only upsert its own properties',
    );
  });

  it('URLs type a property :url; booleans :checkbox', async () => {
    const { host, Editor } = logseq();
    const run = await page(Editor);
    await Editor.upsertBlockProperty(run.uuid, 'link', 'https://example.com');
    await Editor.upsertBlockProperty(run.uuid, 'done', true);
    const props = host.pages().find((p) => p.title === 'Run')!.properties;
    expect(props[`${P.slice(1)}/link`]!.type).toBe('url');
    expect(props[`${P.slice(1)}/done`]).toEqual({
      value: true,
      type: 'checkbox',
      cardinality: 'one',
    });
  });
});

describe('Logseq 2.0.1 tags', () => {
  it('create_tag refuses a "/"; get_tag and add_block_tag find it by name', async () => {
    const { host, Editor } = logseq();
    await expect(Editor.createTag('TTA/run')).rejects.toThrow(
      "Tag title shouldn't include forward slash",
    );
    const tag = (await Editor.createTag('tta-run')) as Json;
    expect(await Editor.getTag('tta-run')).toMatchObject({ uuid: tag.uuid });
    const run = await page(Editor);
    await Editor.addBlockTag(run.uuid, tag.uuid);
    expect(host.pages().find((p) => p.title === 'Run')!.tags).toEqual(['Page', 'tta-run']);
    await expect(Editor.addBlockTag(run.uuid, 'Run')).rejects.toThrow('Not a tag: Run');
  });

  it('a page named as the tag is not the tag: getPage finds the page, addBlockTag by name refuses it', async () => {
    const { Editor } = logseq();
    const run = await page(Editor);
    const plain = await page(Editor, 'tta-run');
    const tag = (await Editor.createTag('tta-run')) as Json;
    expect(tag.uuid).not.toBe(plain.uuid);
    expect(await Editor.getPage('tta-run')).toMatchObject({ uuid: plain.uuid });
    expect(await Editor.getTag('tta-run')).toMatchObject({ uuid: tag.uuid });
    const other = emulateLogseq('2.0.1');
    const r = (await other.api.Editor.createPage('Run', {}, { redirect: false })) as Json;
    await other.api.Editor.createPage('tta-run', {}, { redirect: false });
    await expect(other.api.Editor.addBlockTag(r.uuid, 'tta-run')).rejects.toThrow(
      'Not a tag: tta-run',
    );
    await Editor.addBlockTag(run.uuid, 'tta-run');
  });
});

describe('Logseq 2.0.1 blocks', () => {
  it('insert_block targets a uuid or an existing page name, and creates no page', async () => {
    const { host, Editor } = logseq();
    await page(Editor);
    expect(await Editor.insertBlock('Missing', 'x', {})).toBeNull();
    expect(host.pages().some((p) => p.name === 'missing')).toBe(false);
    const b = (await Editor.insertBlock('run', 'first', { customUUID: U1 })) as Json;
    expect(b).toMatchObject({ uuid: U1, title: 'first', content: 'first' });
    await expect(Editor.insertBlock('run', 'again', { customUUID: U1 })).rejects.toThrow(
      `Custom block UUID already exists (${U1}).`,
    );
  });

  it('places as editor.cljs:209: last child by default, first child with before, siblings', async () => {
    const { host, Editor } = logseq();
    await page(Editor);
    await Editor.insertBlock('run', 'parent', { customUUID: U1 });
    await Editor.insertBlock(U1, 'c1', {});
    await Editor.insertBlock(U1, 'c2', { sibling: false });
    await Editor.insertBlock(U1, 'c0', { before: true });
    await Editor.insertBlock(U1, 'after', { sibling: true });
    await Editor.insertBlock(U1, 'before', { sibling: true, before: true });
    const texts = (bs: ReturnType<typeof host.outline>): unknown[] =>
      bs.map((b) => (b.children.length > 0 ? [b.text, texts(b.children)] : b.text));
    expect(texts(host.outline('run'))).toEqual(['before', ['parent', ['c0', 'c1', 'c2']], 'after']);
  });

  it('update_block keeps the text as given: property lines are not parsed', async () => {
    const { host, Editor } = logseq();
    await page(Editor);
    await Editor.insertBlock('run', 'a', { customUUID: U1 });
    await Editor.updateBlock(U1, 'b\nstatus:: done');
    expect(host.outline('run')[0]).toMatchObject({ text: 'b\nstatus:: done', properties: {} });
  });

  it('insert_block properties are plugin properties; their value blocks are in the page tree', async () => {
    const { Editor } = logseq();
    await page(Editor);
    await Editor.insertBlock('run', 'a', { customUUID: U1, properties: { status: 'done' } });
    const tree = (await Editor.getPageBlocksTree('run')) as Json[];
    expect(tree).toHaveLength(1);
    expect(tree[0]).toMatchObject({ uuid: U1, title: 'a', page: { id: expect.any(Number) } });
    expect(tree[0]).not.toHaveProperty('properties');
    expect(tree[0]![`${P}/status`]).toEqual({ id: expect.any(Number) });
    expect((tree[0]!.children as Json[])[0]).toMatchObject({
      title: 'done',
      ':logseq.property/created-from-property': { id: expect.any(Number) },
    });
  });

  it('get_page of a block uuid gives the block; get_block of a page needs includePage', async () => {
    const { Editor } = logseq();
    const run = await page(Editor);
    await Editor.insertBlock('run', 'a', { customUUID: U2 });
    expect(await Editor.getPage(U2)).toMatchObject({ title: 'a' });
    expect(await Editor.getBlock(run.uuid)).toBeNull();
    expect(await Editor.getBlock(run.uuid, { includePage: true })).toMatchObject({ title: 'Run' });
  });

  it('get_page(0) throws as datascript does', async () => {
    const { Editor } = logseq();
    await expect(Editor.getPage(0)).rejects.toThrow(
      'Expected number or lookup ref for entity id, got 0',
    );
  });
});
