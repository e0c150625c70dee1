import { describe, expect, it } from 'vitest';
import { emulateLogseq } from './EmulatedLogseq.js';
import { reparseLogseqFile } from './reparseLogseqFile.js';

const U1 = '6571a6c1-0000-4000-8000-000000000001';
const U2 = '6571a6c1-0000-4000-8000-000000000002';

const host = async () => {
  const logseq = emulateLogseq('0.10.15');
  await logseq.api.Editor.createPage(
    'P',
    { type: 'run' },
    { redirect: false, createFirstBlock: false },
  );
  return logseq;
};

describe('what Logseq 0.10.15 reads back from the file it wrote', () => {
  it('the page properties, each block with its uuid from id::', async () => {
    const logseq = await host();
    await logseq.api.Editor.insertBlock('P', 'a', { customUUID: U1, focus: false });
    await logseq.api.Editor.insertBlock(U1, 'b', { customUUID: U2, focus: false });
    expect(reparseLogseqFile(logseq.file('p'))).toEqual({
      properties: { type: 'run' },
      blocks: [
        {
          uuid: U1,
          title: 'a',
          properties: { id: U1 },
          collapsed: false,
          children: [
            { uuid: U2, title: 'b', properties: { id: U2 }, collapsed: false, children: [] },
          ],
        },
      ],
    });
  });

  it('text lines starting "- " or "# " split into new blocks without ids', async () => {
    const logseq = await host();
    await logseq.api.Editor.insertBlock('P', 'note\n- item\n# Heading', {
      customUUID: U1,
      focus: false,
    });
    // Logseq's own outline still has one block…
    expect(logseq.outline('p').filter((b) => !b.preBlock)).toHaveLength(1);
    // …until it reads the file again.
    const blocks = reparseLogseqFile(logseq.file('p')).blocks;
    expect(blocks.map((b) => [b.title, b.uuid])).toEqual([['note', U1]]);
    expect(blocks[0]!.children.map((b) => [b.title, b.uuid, b.heading])).toEqual([
      ['item', null, undefined],
      ['# Heading', null, 1],
    ]);
  });

  it('properties named id, collapsed, heading, template take effect', async () => {
    const logseq = await host();
    await logseq.api.Editor.insertBlock('P', 'a', { customUUID: U1, focus: false });
    // update_block accepts an id:: naming no other block: Logseq keeps U1 until it re-reads the file.
    await logseq.api.Editor.updateBlock(
      U1,
      `a\nid:: ${U2}\ncollapsed:: true\nheading:: true\ntemplate:: mine`,
    );
    expect(logseq.outline('p')[1]!.uuid).toBe(U1);
    expect(reparseLogseqFile(logseq.file('p')).blocks[0]).toMatchObject({
      uuid: U2,
      collapsed: true,
      heading: true,
      template: 'mine',
    });
  });
});
