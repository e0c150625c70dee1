import { FailureWindow, type WindowBucket } from './breaker/FailureWindow.js';
import { BrokenCircuitError } from './errors/BrokenCircuitError.js';
import { isCancelledError } from './errors/CancelledError.js';
import { instruments } from './instrumentation.js';
import { BasePrimitive, type Primitive } from './Primitive.js';
import type { WorkflowContext } from './WorkflowContext.js';

/** `closed`: calls pass. `open`: calls are refused. `halfOpen`: one trial call decides. */
export type CircuitState = 'closed' | 'open' | 'halfOpen';

/** Opens when the failure rate over a sliding window reaches `threshold`. */
export interface SamplingOptions {
  /** Failure rate in (0, 1] that opens the circuit. */
  threshold: number;
  /** Length of the sliding window, in ms. */
  durationMs: number;
  /** Fewest calls in the window before the rate counts. Default: `DEFAULT_MINIMUM_CALLS`. */
  minimumCalls?: number;
}

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default: `DEFAULT_FAILURE_THRESHOLD` (unless `sampling` is set). */
  failureThreshold?: number;
  /** Open on a failure rate instead of a count of consecutive failures. */
  sampling?: SamplingOptions;
  /** How long the circuit stays open before a trial call, in ms. Default: `DEFAULT_HALF_OPEN_AFTER_MS`. */
  halfOpenAfterMs?: number;
  /** Whether an error counts against the circuit. Default: every error except a cancellation. */
  isFailure?: (error: unknown) => boolean;
  /** A state saved earlier with `toJSON()`, to restore. */
  state?: CircuitSnapshot;
  /** Clock. Default: `Date.now`. */
  now?: () => number;
  /** Default: `breaker(<inner name>)`. */
  name?: string;
}

export const DEFAULT_FAILURE_THRESHOLD = 5;
export const DEFAULT_HALF_OPEN_AFTER_MS = 10_000;
export const DEFAULT_MINIMUM_CALLS = 5;

/** The serialisable state of a breaker. */
export interface CircuitSnapshot {
  readonly state: CircuitState;
  /** Epoch ms when it last opened. */
  readonly openedAt?: number;
  readonly consecutiveFailures: number;
  readonly window?: readonly WindowBucket[];
}

export interface CircuitStateChange {
  readonly from: CircuitState;
  readonly to: CircuitState;
  /** The error that opened it, when one did. */
  readonly error?: unknown;
}

/**
 * Stops calling a failing primitive for a while: after enough failures the circuit opens and
 * calls fail fast with `BrokenCircuitError`; after `halfOpenAfterMs` one trial call is let
 * through, and its outcome closes or reopens the circuit.
 */
export class CircuitBreaker<I, O> extends BasePrimitive<I, O> {
  readonly kind = 'circuit_breaker' as const;
  private current: CircuitState;
  private openedAt: number | undefined;
  private consecutiveFailures: number;
  private trialInFlight = false;
  private readonly window: FailureWindow | undefined;
  private readonly failureThreshold: number;
  private readonly halfOpenAfterMs: number;
  private readonly isFailure: (error: unknown) => boolean;
  private readonly now: () => number;
  private readonly listeners = new Set<(change: CircuitStateChange) => void>();

  constructor(
    private readonly inner: Primitive<I, O>,
    private readonly options: CircuitBreakerOptions = {},
  ) {
    super(options.name ?? `breaker(${inner.name})`);
    this.failureThreshold = options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
    this.halfOpenAfterMs = options.halfOpenAfterMs ?? DEFAULT_HALF_OPEN_AFTER_MS;
    this.isFailure = options.isFailure ?? ((error) => !isCancelledError(error));
    this.now = options.now ?? Date.now;
    const saved = options.state;
    this.current = saved?.state ?? 'closed';
    // A trial that was in flight when the state was saved never finished: try again.
    if (this.current === 'halfOpen') this.current = 'open';
    this.openedAt = saved?.openedAt;
    this.consecutiveFailures = saved?.consecutiveFailures ?? 0;
    if (options.sampling !== undefined) {
      const { threshold, durationMs } = options.sampling;
      if (!(threshold > 0 && threshold <= 1))
        throw new RangeError(`sampling threshold must be in (0, 1], got ${threshold}`);
      this.window = new FailureWindow(
        durationMs,
        saved?.window?.map((b) => ({ ...b })),
      );
    }
  }

  /** The state now; an open circuit whose wait is over reads as `halfOpen`. */
  get state(): CircuitState {
    if (this.current === 'open' && this.now() >= (this.openedAt ?? 0) + this.halfOpenAfterMs)
      return 'halfOpen';
    return this.current;
  }

  /** Subscribes to state changes; returns a function that unsubscribes. */
  onStateChange(listener: (change: CircuitStateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The state to save and later pass back as `options.state`. */
  toJSON(): CircuitSnapshot {
    const snapshot: CircuitSnapshot = {
      state: this.current,
      consecutiveFailures: this.consecutiveFailures,
      ...(this.openedAt === undefined ? {} : { openedAt: this.openedAt }),
      ...(this.window === undefined ? {} : { window: this.window.snapshot() }),
    };
    return snapshot;
  }

  protected async execute(input: I, ctx: WorkflowContext): Promise<O> {
    const trial = this.admit(ctx);
    try {
      const output = await this.inner.run(input, ctx);
      this.onSuccess(trial, ctx);
      return output;
    } catch (error) {
      this.onFailure(trial, error, ctx);
      throw error;
    } finally {
      if (trial) this.trialInFlight = false;
    }
  }

  /** Lets a call through or raises `BrokenCircuitError`; returns whether the call is the trial. */
  private admit(ctx: WorkflowContext): boolean {
    if (this.current === 'closed') return false;
    if (this.current === 'open') {
      const retryAfter = (this.openedAt ?? 0) + this.halfOpenAfterMs;
      if (this.now() < retryAfter) throw new BrokenCircuitError(this.name, retryAfter);
      this.transition('halfOpen', ctx);
    }
    if (this.trialInFlight) throw new BrokenCircuitError(this.name);
    this.trialInFlight = true;
    return true;
  }

  private onSuccess(trial: boolean, ctx: WorkflowContext): void {
    this.consecutiveFailures = 0;
    this.window?.record(this.now(), false);
    if (trial) {
      this.window?.reset();
      this.transition('closed', ctx);
    }
  }

  private onFailure(trial: boolean, error: unknown, ctx: WorkflowContext): void {
    if (!this.isFailure(error)) return;
    this.consecutiveFailures++;
    const now = this.now();
    this.window?.record(now, true);
    if (trial || (this.current === 'closed' && this.shouldOpen(now))) {
      this.openedAt = now;
      this.transition('open', ctx, error);
    }
  }

  private shouldOpen(now: number): boolean {
    const sampling = this.options.sampling;
    if (sampling === undefined || this.window === undefined)
      return this.consecutiveFailures >= this.failureThreshold;
    const { calls, failureRate } = this.window.rate(now);
    return (
      calls >= (sampling.minimumCalls ?? DEFAULT_MINIMUM_CALLS) && failureRate >= sampling.threshold
    );
  }

  private transition(to: CircuitState, ctx: WorkflowContext, error?: unknown): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    const change: CircuitStateChange = error === undefined ? { from, to } : { from, to, error };
    instruments()?.circuitTransitions.add(1, {
      'tta.primitive.name': this.name,
      'tta.circuit.state': to,
    });
    ctx.emit({ type: 'circuit_state', primitive: this.name, data: { from, to } });
    for (const listener of this.listeners) listener(change);
  }
}

/** Wraps the primitive in a circuit breaker; see `CircuitBreakerOptions`. */
export function circuitBreaker<I, O>(
  inner: Primitive<I, O>,
  options?: CircuitBreakerOptions,
): CircuitBreaker<I, O> {
  return new CircuitBreaker(inner, options);
}
