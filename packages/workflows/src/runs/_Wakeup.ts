/**
 * A flag that one side raises and the other waits for, without polling: `raise()` from a
 * listener, `wait()` in a loop that reads what changed and waits again. An abort (or `end()`)
 * wakes the waiter for good.
 */
export class Wakeup {
  private raised = true;
  private waiter: (() => void) | undefined;
  private ended = false;

  constructor(private readonly signal?: AbortSignal) {
    signal?.addEventListener('abort', this.end);
  }

  get over(): boolean {
    return this.ended || this.signal?.aborted === true;
  }

  readonly raise = (): void => {
    this.raised = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  };

  /** Resolves once raised since the last `wait` (at once the first time), or over. */
  async wait(): Promise<void> {
    if (!this.raised && !this.over) await new Promise<void>((resolve) => (this.waiter = resolve));
    this.raised = false;
  }

  readonly end = (): void => {
    this.ended = true;
    this.signal?.removeEventListener('abort', this.end);
    this.raise();
  };
}
