// Test-only: a stand-in for an E2B sandbox (there is no network here). It implements the part
// of the SDK that E2bSandbox uses, typed by the SDK's own types, and behaves as the SDK documents
// it: files.write creates folders, commands.run runs the command for real with bash in a folder
// of this machine, calls onStdout/onStderr with text, resolves with a CommandResult on exit 0,
// rejects with the SDK's CommandExitError (exit code, error, stdout, stderr) otherwise — exit
// code -1 and error "signal: <name>" when a signal ended it — and with its TimeoutError past
// timeoutMs.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { CommandExitError, TimeoutError, type WriteInfo } from 'e2b';
import type {
  E2bCommandOptions,
  E2bCommandResult,
  E2bCreate,
  E2bSandboxLike,
  E2bWriteEntry,
} from './E2bSandbox.js';

export class FakeE2bSandbox implements E2bSandboxLike {
  readonly sandboxId = `fake-${Math.random().toString(36).slice(2)}`;
  readonly written: string[] = [];
  readonly commandsRun: { cmd: string; opts: E2bCommandOptions | undefined }[] = [];
  killed = false;
  private readonly groups = new Set<number>();

  constructor(private readonly root: string) {}

  readonly files = {
    write: async (entries: E2bWriteEntry[]): Promise<WriteInfo[]> => {
      for (const { path, data } of entries) {
        if (!path.startsWith(`${this.root}/`))
          throw new Error(`write outside the sandbox: ${path}`);
        await mkdir(dirname(path), { recursive: true });
        // data may be a string, ArrayBuffer, Blob or ReadableStream, as the SDK takes them.
        await writeFile(path, Buffer.from(await new Response(data).arrayBuffer()));
        this.written.push(path);
      }
      return entries.map(({ path }) => ({ name: basename(path), path }));
    },
  };

  readonly commands = {
    run: (cmd: string, opts?: E2bCommandOptions): Promise<E2bCommandResult> => {
      if (this.killed) return Promise.reject(new Error('sandbox was killed'));
      this.commandsRun.push({ cmd, opts });
      return new Promise((resolve, reject) => {
        const child = spawn('/bin/bash', ['-c', cmd], {
          cwd: opts?.cwd ?? this.root,
          env: { PATH: process.env.PATH, HOME: this.root, ...opts?.envs },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        });
        if (child.pid !== undefined) this.groups.add(child.pid);
        const out = { stdout: '', stderr: '' };
        for (const name of ['stdout', 'stderr'] as const) {
          const decoder = new StringDecoder('utf8');
          const callback = name === 'stdout' ? opts?.onStdout : opts?.onStderr;
          child[name].on('data', (chunk: Buffer) => {
            const text = decoder.write(chunk);
            out[name] += text;
            if (text) void callback?.(text);
          });
          child[name].on('end', () => {
            const rest = decoder.end();
            out[name] += rest;
            if (rest) void callback?.(rest);
          });
        }
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          this.killGroup(child.pid);
        }, opts?.timeoutMs ?? 60_000);
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          this.killGroup(child.pid);
          if (timedOut)
            return reject(new TimeoutError('[deadline_exceeded] the operation timed out'));
          const result = {
            exitCode: code ?? -1,
            stdout: out.stdout,
            stderr: out.stderr,
            ...(signal === null ? {} : { error: `signal: ${signal}` }),
          };
          if (result.exitCode === 0) resolve(result);
          else reject(new CommandExitError(result));
        });
      });
    },
  };

  async kill(): Promise<boolean> {
    this.killed = true;
    for (const pid of this.groups) this.killGroup(pid);
    return true;
  }

  private killGroup(pid: number | undefined) {
    try {
      if (pid !== undefined) process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** A `create` that makes fake sandboxes working under `root`, and what it was asked. */
export function fakeE2b(root: string) {
  const sandboxes: FakeE2bSandbox[] = [];
  const calls: { template: string | undefined; apiKey: string; timeoutMs: number }[] = [];
  const create: E2bCreate = async (template, options) => {
    calls.push({ template, ...options });
    const sandbox = new FakeE2bSandbox(root);
    sandboxes.push(sandbox);
    return sandbox;
  };
  return { create, sandboxes, calls };
}
