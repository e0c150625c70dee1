import { randomBytes, randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tokenProblem } from '@tta-dev/integrations';
import { usageError } from '../CliError.js';
import type { Io } from '../Io.js';
import { homeOf } from '../persona/_registry.js';

/** The file, in the TTA home folder, that keeps the run server's token between runs. */
export const SERVE_TOKEN_FILE = 'serve-token';

export interface ServeToken {
  readonly token: string;
  /** Where it came from: `--token`, `$TTA_SERVE_TOKEN`, the saved file, or made just now. */
  readonly source: 'flag' | 'env' | 'file' | 'generated';
  /** The saved file, for `file` and `generated`. */
  readonly file?: string;
}

/**
 * The token of `tta serve`: `--token`, else `$TTA_SERVE_TOKEN`, else the one saved in
 * `<TTA home>/serve-token`, else a new random one saved there (readable by the user only), so
 * that the Logseq plugin's setting keeps working from one start to the next.
 */
export async function serveToken(io: Io, flag: string | undefined): Promise<ServeToken> {
  if (flag !== undefined) return { token: checked(flag, '--token'), source: 'flag' };
  const fromEnv = io.env.TTA_SERVE_TOKEN;
  if (fromEnv !== undefined && fromEnv !== '')
    return { token: checked(fromEnv, 'TTA_SERVE_TOKEN'), source: 'env' };
  const home = homeOf(io);
  const file = join(home, SERVE_TOKEN_FILE);
  const saved = await readToken(file);
  if (saved !== undefined) return { token: checked(saved, file), source: 'file', file };
  await mkdir(home, { recursive: true, mode: 0o700 });
  // Written whole beside the file and linked in, so two servers starting at once agree on one.
  const token = randomBytes(32).toString('base64url');
  const temp = `${file}.${randomUUID()}.tmp`;
  await writeFile(temp, `${token}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, file);
    return { token, source: 'generated', file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { token: checked((await readToken(file)) ?? '', file), source: 'file', file };
  } finally {
    await unlink(temp);
  }
}

async function readToken(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function checked(token: string, from: string): string {
  const problem = tokenProblem(token);
  if (problem !== undefined) throw usageError(`tta serve: the token of ${from}: ${problem}`);
  return token;
}
