/** How much of the end of a stream is kept apart from the head, to read a fatal message from. */
const TAIL_BYTES = 8 * 1024;

/**
 * One output stream of a run: its first `maxBytes` bytes, and its last few kilobytes whatever
 * came before (a crash message at the very end survives a flood of output that was cut).
 * Everything past the limit is still read, so a chatty process never blocks on a full pipe.
 */
export class OutputCapture {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tailBuffer: Buffer = Buffer.alloc(0);
  private dropped = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const room = this.maxBytes - this.headBytes;
    if (room > 0) {
      const kept = bytes.length <= room ? bytes : bytes.subarray(0, room);
      this.head.push(kept);
      this.headBytes += kept.length;
    }
    this.dropped += Math.max(0, bytes.length - Math.max(0, room));
    const joined = Buffer.concat([this.tailBuffer, bytes]);
    this.tailBuffer =
      joined.length > TAIL_BYTES ? joined.subarray(joined.length - TAIL_BYTES) : joined;
  }

  /** Whether bytes were dropped at the limit. */
  get truncated(): boolean {
    return this.dropped > 0;
  }

  /** The kept text; a character cut in half at the limit is left out rather than garbled. */
  text(): string {
    const text = Buffer.concat(this.head).toString('utf8');
    return this.truncated ? text.replace(/\uFFFD$/, '') : text;
  }

  /** The last few kilobytes of the stream, for recognising how a run ended. */
  tail(): string {
    return this.tailBuffer.toString('utf8');
  }
}

/** Text cut to `maxBytes` of UTF-8, for output that arrives whole (E2B). */
export function captureText(text: string, maxBytes: number): OutputCapture {
  const capture = new OutputCapture(maxBytes);
  capture.push(text);
  return capture;
}
