// Test-only: reads a Server-Sent Events response as it streams, frame by frame.

/** One frame: a message (`event`, `id`, `data`) or a comment line. */
export interface SseFrame {
  readonly comment?: string;
  readonly event?: string;
  readonly id?: string;
  readonly data?: string;
}

export interface SseReader {
  readonly response: Response;
  /** The next frame, comments included; `undefined` once the stream has ended. */
  frame(): Promise<SseFrame | undefined>;
  /** The next message of type `event` (other frames skipped); throws if the stream ends first. */
  message(event?: string): Promise<SseFrame & { data: string }>;
  close(): Promise<void>;
}

/** Opens `url` with a streaming fetch and parses what comes as SSE frames. */
export async function openSse(url: string, init: RequestInit = {}): Promise<SseReader> {
  const stop = new AbortController();
  const response = await fetch(url, { ...init, signal: stop.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const queue: SseFrame[] = [];
  let ended = false;

  const parse = () => {
    for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const message: { event?: string; id?: string; data?: string } = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          queue.push({ comment: line.slice(1).trim() });
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data')
          message.data = message.data === undefined ? value : `${message.data}\n${value}`;
        else if (field === 'event' || field === 'id') message[field] = value;
      }
      if (message.data !== undefined) queue.push(message);
    }
  };

  const frame = async (): Promise<SseFrame | undefined> => {
    while (queue.length === 0 && !ended) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) ended = true;
      else {
        buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
        parse();
      }
    }
    return queue.shift();
  };

  return {
    response,
    frame,
    message: async (event = 'run-event') => {
      for (;;) {
        const next = await frame();
        if (next === undefined) throw new Error(`the stream ended before an "${event}" event`);
        if (next.data !== undefined && (next.event ?? 'message') === event)
          return next as SseFrame & { data: string };
      }
    },
    close: async () => {
      stop.abort();
      await reader.cancel().catch(() => undefined);
    },
  };
}
