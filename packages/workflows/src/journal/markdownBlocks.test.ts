import { describe, expect, it } from 'vitest';
import type { JournalBlock } from './JournalPage.js';
import { markdownBlocks } from './markdownBlocks.js';

/** The outline without uuids: [content, properties?, children?]. */
type Outline = [string, ...unknown[]];
const outline = (blocks: JournalBlock[]): Outline[] =>
  blocks.map((b) => {
    const row: Outline = [b.content];
    if (Object.keys(b.properties).length > 0) row.push(b.properties);
    if (b.children.length > 0) row.push(outline(b.children));
    return row;
  });
const blocks = (md: string) => markdownBlocks(md, (path) => `uuid-${path}`);

describe('markdownBlocks', () => {
  it('nests what follows a heading under it, deeper headings under shallower ones', () => {
    const md =
      '# v1.2.0\nIntro line\ncontinued.\n\n## Added\n- Faster builds\n- A flag\n\n## Fixed\nA crash.\n# Thanks\nEveryone';
    expect(outline(blocks(md))).toEqual([
      [
        '# v1.2.0',
        [
          ['Intro line\ncontinued.'],
          ['## Added', [['Faster builds'], ['A flag']]],
          ['## Fixed', [['A crash.']]],
        ],
      ],
      ['# Thanks', [['Everyone']]],
    ]);
  });

  it('nests list items by indentation; tasks become TODO/DONE, numbered items keep their numbering', () => {
    const md =
      '1. First\n2. Second\n   - [ ] follow up\n   - [x] done already\n     more of it\n* Star';
    expect(outline(blocks(md))).toEqual([
      ['First', { 'logseq.order-list-type': 'number' }],
      [
        'Second',
        { 'logseq.order-list-type': 'number' },
        [['TODO follow up'], ['DONE done already\nmore of it']],
      ],
      ['Star'],
    ]);
  });

  it('keeps a fenced code block whole, blank lines and list-looking lines included', () => {
    const md =
      'Before\n```sh\n- not a list\n\n# not a heading\n```\n- item\n  ```\n  inside\n  ```';
    expect(outline(blocks(md))).toEqual([
      ['Before'],
      ['```sh\n- not a list\n\n# not a heading\n```'],
      ['item', [['```\ninside\n```']]],
    ]);
  });

  it('gives each block the uuid of its position, so the same text gives the same uuids', () => {
    const result = blocks('# A\n- x\n  - y\n# B');
    expect(result.map((b) => b.uuid)).toEqual(['uuid-0', 'uuid-1']);
    expect(result[0]!.children[0]!.children[0]!.uuid).toBe('uuid-0.0.0');
    expect(blocks('# A\n- x\n  - y\n# B')).toEqual(result);
  });

  it('gives nothing for empty text', () => {
    expect(blocks('')).toEqual([]);
    expect(blocks('\n  \n')).toEqual([]);
  });
});
