import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { RunEvent } from '@tta-dev/workflows';

/** The SSE event name of every run event. */
export const RUN_EVENT = 'run-event';

/** Bytes waiting for a client, beyond which it is disconnected. */
const MAX_BUFFERED = 8 * 1024 * 1024;

/**
 * One Server-Sent Events response: run events as `id: <seq>` / `event: run-event` /
 * `data: <JSON>`, and a comment every `heartbeatMs` so that proxies and clients see a live
 * connection. `signal` aborts when the client goes away or the server closes.
 */
export class EventStream {
  private readonly stop = new AbortController();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly res: ServerResponse,
    headers: Record<string, string>,
    heartbeatMs: number,
  ) {
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // The comment gets the headers and a first byte through buffering proxies at once.
    res.write(': tta run server\nretry: 3000\n\n');
    this.heartbeat = setInterval(() => void this.write(': heartbeat\n\n'), heartbeatMs);
    res.once('close', () => this.close());
  }

  get signal(): AbortSignal {
    return this.stop.signal;
  }

  /** Sends a run event; `id` is its `seq` on a run's stream, left out on the all-runs stream. */
  send(event: RunEvent, withId: boolean): Promise<void> {
    return this.write(
      `${withId ? `id: ${event.seq}\n` : ''}event: ${RUN_EVENT}\ndata: ${JSON.stringify(event)}\n\n`,
    );
  }

  /** Sends a named event that is not a run event (`ready`). */
  sendNamed(name: string, data: unknown): Promise<void> {
    return this.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Ends the response (once). */
  close(): void {
    if (this.stop.signal.aborted) return;
    clearInterval(this.heartbeat);
    this.stop.abort();
    this.res.end();
  }

  /**
   * Writes, waiting while the client reads slower than events come. A client that stopped
   * reading altogether is let go once `MAX_BUFFERED` bytes wait for it: it reconnects (with
   * `Last-Event-ID`) when it reads again, rather than the server holding its backlog.
   */
  private async write(text: string): Promise<void> {
    if (this.stop.signal.aborted) return;
    if (this.res.writableLength > MAX_BUFFERED) {
      this.close();
      return;
    }
    if (this.res.write(text)) return;
    await Promise.race([once(this.res, 'drain'), once(this.stop.signal, 'abort')]).catch(
      () => undefined,
    );
  }
}
