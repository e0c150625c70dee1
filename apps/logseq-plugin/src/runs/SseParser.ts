/** One Server-Sent Events message. */
export interface SseMessage {
  /** `message` when the server names none. */
  event: string;
  data: string;
  /** The `id:` field, when the message has one. */
  id?: string;
}

/**
 * Reads a `text/event-stream` as it arrives, chunk by chunk, by the WHATWG rules: fields per
 * line (`\n`, `\r\n` or `\r`), `data` lines joined with `\n`, comments and `retry` ignored, a blank
 * line dispatches, a message without data is dropped. The plugin reads the run server's streams
 * with `fetch` rather than `EventSource`, which cannot send the `Authorization` header.
 */
export class SseParser {
  #buffer = '';
  #event = '';
  #data: string[] = [];
  #id: string | undefined;
  #sawCr = false;

  /** Feeds a chunk; returns the messages it completes. */
  push(chunk: string): SseMessage[] {
    let text = chunk;
    // A `\r\n` split between two chunks: the `\n` belongs to the line the `\r` ended.
    if (this.#sawCr && text.startsWith('\n')) text = text.slice(1);
    this.#sawCr = text.endsWith('\r');
    this.#buffer += text;
    const out: SseMessage[] = [];
    const lines = this.#buffer.split(/\r\n|\r|\n/);
    this.#buffer = lines.pop() ?? '';
    for (const line of lines) {
      const message = this.#line(line);
      if (message !== undefined) out.push(message);
    }
    return out;
  }

  #line(line: string): SseMessage | undefined {
    if (line === '') {
      const message =
        this.#data.length === 0
          ? undefined
          : {
              event: this.#event || 'message',
              data: this.#data.join('\n'),
              ...(this.#id === undefined ? {} : { id: this.#id }),
            };
      this.#event = '';
      this.#data = [];
      return message;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
    return undefined;
  }
}
