import { randomBytes, randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tokenProblem } from '@tta-dev/integrations/gateway';
import { usageError } from '../CliError.js';
import type { Io } from '../Io.js';
import { homeOf } from '../persona/_registry.js';

/** Where a server's bearer token is looked for: an environment variable, then a file. */
export interface TokenPlace {
  /** The command the token is for, in messages. */
  readonly command: string;
  /** The environment variable that may give it. */
  readonly env: string;
  /** The file, in the TTA home folder, that keeps it between runs. */
  readonly file: string;
}

/** The token of the run server, `tta serve`. */
export const SERVE_TOKEN: TokenPlace = {
  command: 'tta serve',
  env: 'TTA_SERVE_TOKEN',
  file: 'serve-token',
};

/** The token of the MCP gateway's Streamable HTTP, `tta mcp serve --http`. */
export const MCP_TOKEN: TokenPlace = {
  command: 'tta mcp serve',
  env: 'TTA_MCP_TOKEN',
  file: 'mcp-token',
};

export interface ServeToken {
  readonly token: string;
  /** Where it came from: `--token`, the environment variable, the saved file, or made just now. */
  readonly source: 'flag' | 'env' | 'file' | 'generated';
  /** The saved file, for `file` and `generated`. */
  readonly file?: string;
}

/**
 * The token of a server command: `--token`, else its environment variable, else the one saved
 * in its file in the TTA home folder, else a new random one saved there (readable by the user
 * only), so that clients configured with it (the Logseq plugin, an assistant's MCP entry) keep
 * working from one start to the next.
 */
export async function serveToken(
  io: Io,
  flag: string | undefined,
  place: TokenPlace,
): Promise<ServeToken> {
  const checked = (token: string, from: string): string => {
    const problem = tokenProblem(token);
    if (problem !== undefined)
      throw usageError(`${place.command}: the token of ${from}: ${problem}`);
    return token;
  };
  if (flag !== undefined) return { token: checked(flag, '--token'), source: 'flag' };
  const fromEnv = io.env[place.env];
  if (fromEnv !== undefined && fromEnv !== '')
    return { token: checked(fromEnv, place.env), source: 'env' };
  const home = homeOf(io);
  const file = join(home, place.file);
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

/** Where the token came from, for the log: the token itself only when it was made just now. */
export function tokenNote({ token, source, file }: ServeToken, place: TokenPlace): string {
  if (source === 'generated') return `token: ${token} (new; saved in ${file})`;
  if (source === 'flag') return 'token: from --token';
  if (source === 'env') return `token: from $${place.env}`;
  return `token: in ${file}`;
}
