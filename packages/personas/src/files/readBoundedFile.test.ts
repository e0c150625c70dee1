import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_USER_FILE_BYTES, readBoundedFile, readBoundedFileSync } from './readBoundedFile.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tta-bounded-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const refuse = (reason: string) => new Error(`refused: ${reason}`);

describe.each([
  [
    'readBoundedFile',
    (file: string, maxBytes?: number) =>
      readBoundedFile(file, { refuse, ...(maxBytes === undefined ? {} : { maxBytes }) }),
  ],
  [
    'readBoundedFileSync',
    async (file: string, maxBytes?: number) =>
      readBoundedFileSync(file, { refuse, ...(maxBytes === undefined ? {} : { maxBytes }) }),
  ],
])('%s', (_name, read) => {
  it('reads a regular file up to the limit', async () => {
    const file = join(dir, 'small.yaml');
    await writeFile(file, 'name: é\n');
    expect(await read(file)).toBe('name: é\n');
    expect(await read(file, 9)).toBe('name: é\n');
  });

  it('refuses a file over the limit by its size, naming both', async () => {
    const file = join(dir, 'big.yaml');
    await writeFile(file, '');
    await truncate(file, 50 * 1024 * 1024); // sparse: 50 MiB that take no room
    await expect(read(file)).rejects.toThrow('refused: it is 50 MiB; files over 1 MiB are refused');
    await expect(read(join(dir, 'small.yaml'), 4)).rejects.toThrow('files over 4 bytes');
    expect(MAX_USER_FILE_BYTES).toBe(1024 * 1024);
  });

  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const fifo = join(dir, `pipe-${_name}.yaml`);
    execFileSync('mkfifo', [fifo]);
    await expect(read(fifo)).rejects.toThrow(
      'refused: it is a FIFO (named pipe), not a regular file',
    );
  });

  it('refuses a device', async () => {
    await expect(read('/dev/zero')).rejects.toThrow('it is a character device, not a regular file');
  });

  it('passes the errors of the file system on, EISDIR for a folder', async () => {
    await expect(read(join(dir, 'missing.yaml'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(read(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
