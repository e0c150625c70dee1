/**
 * One run waiting on a deadline. Subclasses say what happens when it expires.
 * @internal
 */
export abstract class Deadline {
  deadline = 0;
  prev: Deadline | undefined = undefined;
  next: Deadline | undefined = undefined;
  abstract expire(): void;
}

/**
 * The pending runs of one `timeout` primitive. Every run has the same limit, so deadlines
 * arrive in order and a linked list keeps them sorted for free. One timer, armed for the
 * earliest deadline, serves them all: a run that finishes in time only unlinks itself, and
 * never creates or clears a timer (that is what makes the success path cheap).
 * @internal
 */
export class DeadlineQueue {
  private head: Deadline | undefined;
  private tail: Deadline | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = 0;

  constructor(private readonly limitMs: number) {}

  add(entry: Deadline): void {
    entry.deadline = Date.now() + this.limitMs;
    entry.prev = this.tail;
    entry.next = undefined;
    if (this.tail === undefined) this.head = entry;
    else this.tail.next = entry;
    this.tail = entry;
    if (this.timer === undefined) this.arm(entry.deadline);
    else if (entry === this.head) keepAlive(this.timer, true);
  }

  remove(entry: Deadline): void {
    if (entry.prev === undefined) this.head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === undefined) this.tail = entry.prev;
    else entry.next.prev = entry.prev;
    entry.prev = entry.next = undefined;
    // Nothing left to wait for: the timer may fire, but must not keep the process alive.
    if (this.head === undefined && this.timer !== undefined) keepAlive(this.timer, false);
  }

  private arm(at: number): void {
    this.timerAt = at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - Date.now()));
  }

  private fire(): void {
    this.timer = undefined;
    const now = Date.now();
    while (this.head !== undefined && this.head.deadline <= now) {
      const expired = this.head;
      this.remove(expired);
      expired.expire();
    }
    if (this.head !== undefined) this.arm(this.head.deadline);
  }

  /** For tests: when the armed timer fires (epoch ms), or undefined. */
  get armedFor(): number | undefined {
    return this.timer === undefined ? undefined : this.timerAt;
  }
}

function keepAlive(timer: ReturnType<typeof setTimeout>, on: boolean): void {
  // Node's timers can be unref'd; browsers' are numbers and never keep anything alive.
  if (typeof timer === 'object') {
    if (on) timer.ref();
    else timer.unref();
  }
}
