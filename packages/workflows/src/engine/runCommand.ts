import { spawn } from 'node:child_process';

export interface CommandResult {
  readonly exitCode: number;
  /** Standard output, trimmed of its final newline; cut to `maxOutputBytes`. */
  readonly stdout: string;
  readonly stderr: string;
  /** Whether the output was cut. */
  readonly truncated: boolean;
}

export interface RunCommandOptions {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  /** Most bytes of each stream kept. Default 1 MiB. */
  maxOutputBytes?: number;
  /** Called with each chunk of output, for progress views. */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /**
   * Called with the pid of the command's shell, which leads its own process group. The command
   * is held until the promise it returns settles (the shell waits on its standard input), so
   * that whoever records the group has done so before the command does anything.
   */
  onSpawn?: (pid: number) => Promise<void>;
}

/**
 * Runs a command line in the platform's shell and captures its output and exit code. Aborting the
 * signal kills the command (SIGTERM, then SIGKILL after 2 s) and rejects with the signal's reason.
 */
export function runCommand(command: string, options: RunCommandOptions): Promise<CommandResult> {
  const max = options.maxOutputBytes ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    const held = options.onSpawn !== undefined && process.platform !== 'win32';
    const child = spawn(held ? `read -r _ || :; ${command}` : command, {
      shell: true,
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv,
      stdio: [held ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    if (held && child.pid !== undefined) {
      // The shell is gone already if it was killed meanwhile: nothing to tell it.
      child.stdin?.on('error', () => undefined);
      const go = () => child.stdin?.end('\n');
      options.onSpawn!(child.pid).then(go, go);
    }
    const streams = { stdout: '', stderr: '' };
    let truncated = false;
    const collect = (name: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      options.onOutput?.(text, name);
      if (streams[name].length + text.length > max) {
        streams[name] += text.slice(0, Math.max(0, max - streams[name].length));
        truncated = true;
      } else streams[name] += text;
    };
    child.stdout!.on('data', collect('stdout'));
    child.stderr!.on('data', collect('stderr'));
    const kill = () => {
      // The whole process group: a shell's children die with it.
      const signalGroup = (sig: NodeJS.Signals) => {
        try {
          if (child.pid !== undefined && process.platform !== 'win32')
            process.kill(-child.pid, sig);
          else child.kill(sig);
        } catch {
          // already gone
        }
      };
      signalGroup('SIGTERM');
      setTimeout(() => signalGroup('SIGKILL'), 2000).unref();
    };
    options.signal?.addEventListener('abort', kill, { once: true });
    child.on('error', (error) => {
      options.signal?.removeEventListener('abort', kill);
      reject(error);
    });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', kill);
      if (options.signal?.aborted) return reject(options.signal.reason);
      resolve({
        exitCode: code ?? (signal === null ? 1 : 128 + (SIGNALS[signal] ?? 0)),
        stdout: streams.stdout.replace(/\r?\n$/, ''),
        stderr: streams.stderr.replace(/\r?\n$/, ''),
        truncated,
      });
    });
  });
}

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGKILL: 9,
  SIGTERM: 15,
};
