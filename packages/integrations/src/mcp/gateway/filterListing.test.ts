import { describe, expect, it } from 'vitest';
import { filterListing } from './filterListing.js';

const hidden = (path: string) => /\/(\.env|secrets)(\/|$)/.test(path);
const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });
const first = (result: ReturnType<typeof filterListing>) =>
  (result.content[0] as { text: string }).text;

describe('filterListing', () => {
  it('drops the lines that name hidden paths, however they are drawn', () => {
    const listing = [
      '[FILE] README.md',
      '[FILE] .env',
      '[DIR] secrets',
      'src/index.ts    1.2 KB',
      'secrets/key.pem    40 B',
      '├── .env',
      '/proj/secrets/deep/token.txt',
      '/proj/src/ok.ts',
    ].join('\n');
    expect(first(filterListing(text(listing), ['/proj'], hidden)).split('\n')).toEqual([
      '[FILE] README.md',
      'src/index.ts    1.2 KB',
      '/proj/src/ok.ts',
    ]);
  });

  it('prunes JSON trees by the paths their nesting gives', () => {
    const tree = [
      { name: 'src', type: 'directory', children: [{ name: '.env', type: 'file' }] },
      { name: 'secrets', type: 'directory', children: [{ name: 'key.pem', type: 'file' }] },
      { name: 'README.md', type: 'file' },
    ];
    const result = JSON.parse(first(filterListing(text(JSON.stringify(tree)), ['/proj'], hidden)));
    expect(result).toEqual([
      { name: 'src', type: 'directory', children: [] },
      { name: 'README.md', type: 'file' },
    ]);
  });

  it('filters the structured content as the text, so neither leaks what the other hides', () => {
    const listing = '[FILE] a.txt\n[FILE] .env';
    const result = filterListing(
      { ...text(listing), structuredContent: { content: listing } },
      ['/proj'],
      hidden,
    );
    expect(result.structuredContent).toEqual({ content: '[FILE] a.txt' });
    expect(first(result)).toBe('[FILE] a.txt');
  });

  it('leaves a result alone when the call named no folder', () => {
    const result = text('[FILE] .env');
    expect(filterListing(result, [], hidden)).toBe(result);
  });
});
