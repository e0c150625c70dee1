// Test-only: a spawned `tta mcp serve` driven by newline-delimited JSON-RPC on its stdio, with no
// SDK in between, so that no client library hides (or works around) a defect of the gateway.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const tta = fileURLToPath(new URL('../../dist/bin/tta.js', import.meta.url));

export interface JsonRpcMessage {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
}

export class RawGateway {
  /** Every message read from stdout, in order. */
  readonly messages: JsonRpcMessage[] = [];
  /** Lines of stdout that are not JSON: there must be none. */
  readonly stray: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly waiters = new Set<() => void>();
  private nextId = 1;

  constructor(args: readonly string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, [tta, 'mcp', 'serve', ...args], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.messages.push(JSON.parse(line) as JsonRpcMessage);
      } catch {
        this.stray.push(line);
      }
      for (const wake of this.waiters) wake();
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  send(message: Omit<JsonRpcMessage, 'jsonrpc'>): void {
    this.child.stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
  }

  /** Sends a request; returns its id. */
  post(method: string, params?: Record<string, unknown>): number {
    const id = this.nextId++;
    this.send({ id, method, ...(params === undefined ? {} : { params }) });
    return id;
  }

  /** Sends a request and resolves with its response (result or error). */
  async request(method: string, params?: Record<string, unknown>): Promise<JsonRpcMessage> {
    const id = this.post(method, params);
    return this.next((m) => m.id === id && m.method === undefined);
  }

  /** The first message from index `from` on that matches, waiting for it. */
  next(match: (message: JsonRpcMessage) => boolean, from = 0): Promise<JsonRpcMessage> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.slice(from).find(match);
        if (found === undefined) return;
        this.waiters.delete(check);
        resolve(found);
      };
      this.waiters.add(check);
      void this.exited.then(() => {
        if (!this.waiters.delete(check)) return;
        reject(new Error(`tta mcp serve exited first; stderr:\n${this.stderr}`));
      });
      check();
    });
  }

  /** initialize, then notifications/initialized: the handshake of every client. */
  async initialize(): Promise<JsonRpcMessage> {
    const answer = await this.request('initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'raw-test', version: '1.0.0' },
    });
    this.send({ method: 'notifications/initialized' });
    return answer;
  }

  async toolNames(): Promise<string[]> {
    const { result } = await this.request('tools/list');
    return (result!.tools as { name: string }[]).map((t) => t.name);
  }

  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  closeStdin(): void {
    this.child.stdin!.end();
  }

  /**
   * Stops the gateway as a client would, with SIGTERM, so that it stops its servers too (a
   * SIGKILL would leave them running); SIGKILL only if it has not exited 20 s later.
   */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const late = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await this.exited;
    clearTimeout(late);
  }
}

/** Whether a process runs (a zombie, dead but not yet reaped, does not). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}
