import type { Output } from '../Io.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR_LINE = '\r\u001b[2K';

/**
 * One status line on a terminal that redraws itself (frame, text, seconds) while work runs, and
 * gets out of the way of the lines printed above it: `print` clears the line, writes, redraws.
 */
export class Spinner {
  private text: string | undefined;
  private started = 0;
  private frame = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly out: Output,
    private readonly intervalMs = 80,
    private readonly now: () => number = Date.now,
  ) {}

  /** Shows `text` with a spinner until `stop` or the next `start`. */
  start(text: string): void {
    this.text = text;
    this.started = this.now();
    this.draw();
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.draw(), this.intervalMs);
      // A forgotten spinner must never keep the process alive.
      this.timer.unref?.();
    }
  }

  /** Writes a line above the spinner. */
  print(line: string): void {
    if (this.text !== undefined) this.out.write(CLEAR_LINE);
    this.out.write(`${line}\n`);
    if (this.text !== undefined) this.draw();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.text !== undefined) this.out.write(CLEAR_LINE);
    this.text = undefined;
  }

  private draw(): void {
    if (this.text === undefined) return;
    this.frame = (this.frame + 1) % FRAMES.length;
    const seconds = ((this.now() - this.started) / 1000).toFixed(1);
    this.out.write(`${CLEAR_LINE}${FRAMES[this.frame]} ${this.text} ${seconds} s`);
  }
}
