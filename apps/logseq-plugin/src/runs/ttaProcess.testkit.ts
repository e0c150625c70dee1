import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The built `tta` command of this checkout (`@tta-dev/cli`, a devDependency: built before these tests). */
export const TTA = join(
  dirname(createRequire(import.meta.url).resolve('@tta-dev/cli/package.json')),
  'dist',
  'bin',
  'tta.js',
);

export interface TtaProcess {
  readonly child: ChildProcess;
  /** Its exit code (`null` when a signal ended it). */
  readonly exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first line of stdout (or stderr) `match` accepts, as soon as it is printed. */
  line(match: (line: string) => boolean, stream?: 'stdout' | 'stderr'): Promise<string>;
}

/** Starts `tta <args>` in `cwd` with `env`; its output is kept and watched line by line. */
export function startTta(
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): TtaProcess {
  const child = spawn(process.execPath, [TTA, ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const text = { stdout: '', stderr: '' };
  const waiting = new Set<() => void>();
  for (const stream of ['stdout', 'stderr'] as const)
    child[stream]!.on('data', (chunk: Buffer) => {
      text[stream] += chunk.toString();
      for (const check of waiting) check();
    });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    exited,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    line: (match, stream = 'stdout') =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = text[stream].split('\n').slice(0, -1).find(match);
          if (found === undefined) return false;
          waiting.delete(check);
          resolve(found);
          return true;
        };
        if (check()) return;
        waiting.add(check);
        void exited.then(() => {
          if (waiting.delete(check))
            reject(
              new Error(
                `tta ${args.join(' ')} exited before printing the line\n${text.stdout}\n${text.stderr}`,
              ),
            );
        });
      }),
  };
}
