import { homedir } from 'node:os';
import { join } from 'node:path';

/** Folder of the user's persona configuration: `$TTA_HOME`, else `~/.hypertool`. */
export function ttaHome(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.TTA_HOME;
  return override !== undefined && override !== '' ? override : join(homedir(), '.hypertool');
}
