import { Memory } from './memory/Memory.js';
import type { EmittedEvent, WorkflowEvent, WorkflowEventListener } from './WorkflowEvent.js';

/** A named point of progress recorded with `ctx.checkpoint(name)`. */
export interface Checkpoint {
  readonly name: string;
  readonly at: number;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** What every primitive receives beside its input: identity, cancellation, state and memory. */
export interface WorkflowContext {
  readonly workflowId: string;
  readonly runId: string;
  /** Ties together everything done for one request or run. */
  readonly correlationId: string;
  /** The correlation id of the context this one was derived from, if any. */
  readonly causationId: string | undefined;
  /** The persona the work is done under, if any. */
  readonly persona: string | undefined;
  /** Aborted when the run is cancelled or a surrounding `timeout` expires. */
  readonly signal: AbortSignal;
  /** Same as `signal.aborted`, without creating a signal that nobody listens to. */
  readonly aborted: boolean;
  /** Mutable state of this context; `child()` gets a shallow copy. */
  readonly state: Record<string, unknown>;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Shared by every context of the run, children included. */
  readonly memory: Memory;
  /** Checkpoints recorded on this context, oldest first. */
  readonly checkpoints: readonly Checkpoint[];
  /** Sends an event to every listener of the run (children share their parent's listeners). */
  emit(event: EmittedEvent): void;
  /** Subscribes to the run's events; returns a function that unsubscribes. */
  on(listener: WorkflowEventListener): () => void;
  /** Records a named point of progress and emits a `checkpoint` event. */
  checkpoint(name: string, data?: Readonly<Record<string, unknown>>): void;
  /** Same ids, memory and listeners; an own copy of the state; `causationId` = this correlation id. */
  child(options?: ChildContextOptions): WorkflowContext;
  /**
   * The same context (state and checkpoints included) with another signal; used by primitives
   * that cancel their inner run. A `LazySignal` defers creating the signal until someone reads
   * `ctx.signal`.
   */
  withSignal(signal: AbortSignal | LazySignal): WorkflowContext;
}

/** A signal made only when asked for, so that the success path of a `timeout` allocates none. */
export interface LazySignal {
  getSignal(): AbortSignal;
  isAborted(): boolean;
}

export interface ChildContextOptions {
  /** Signal of the child; defaults to the parent's. */
  signal?: AbortSignal;
  /** Persona of the child; defaults to the parent's. */
  persona?: string;
}

export interface ContextOptions {
  /** Default: a new UUID. */
  workflowId?: string;
  /** Default: a new UUID. */
  runId?: string;
  /** Default: the run id. */
  correlationId?: string;
  causationId?: string;
  persona?: string;
  /** Default: a signal that never aborts. */
  signal?: AbortSignal;
  /** Initial state (copied). Default: empty. */
  state?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  /** Default: an in-memory store namespaced `run:<runId>`. */
  memory?: Memory;
}

const NEVER = new AbortController().signal;

class EventBus {
  private readonly listeners = new Set<WorkflowEventListener>();
  get size(): number {
    return this.listeners.size;
  }
  on(listener: WorkflowEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  dispatch(event: WorkflowEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

interface Shared {
  readonly workflowId: string;
  readonly runId: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly memory: Memory;
  readonly bus: EventBus;
}

class Context implements WorkflowContext {
  private signalValue: AbortSignal | undefined;

  constructor(
    private readonly shared: Shared,
    readonly correlationId: string,
    readonly causationId: string | undefined,
    readonly persona: string | undefined,
    readonly state: Record<string, unknown>,
    signal: AbortSignal | LazySignal,
    /** Shared with the context this one was made from by `withSignal`. */
    readonly checkpoints: Checkpoint[] = [],
  ) {
    if ('getSignal' in signal) this.lazy = signal;
    else this.signalValue = signal;
  }

  private readonly lazy: LazySignal | undefined;

  get workflowId(): string {
    return this.shared.workflowId;
  }
  get runId(): string {
    return this.shared.runId;
  }
  get metadata(): Readonly<Record<string, unknown>> {
    return this.shared.metadata;
  }
  get memory(): Memory {
    return this.shared.memory;
  }
  get signal(): AbortSignal {
    if (this.signalValue === undefined) this.signalValue = this.lazy!.getSignal();
    return this.signalValue;
  }
  get aborted(): boolean {
    return this.signalValue === undefined ? this.lazy!.isAborted() : this.signalValue.aborted;
  }

  emit(event: EmittedEvent): void {
    if (this.shared.bus.size === 0) return;
    this.shared.bus.dispatch({
      ...event,
      at: Date.now(),
      workflowId: this.shared.workflowId,
      runId: this.shared.runId,
      correlationId: this.correlationId,
    });
  }

  on(listener: WorkflowEventListener): () => void {
    return this.shared.bus.on(listener);
  }

  checkpoint(name: string, data?: Readonly<Record<string, unknown>>): void {
    const at = Date.now();
    this.checkpoints.push(data === undefined ? { name, at } : { name, at, data });
    this.emit(
      data === undefined
        ? { type: 'checkpoint', data: { name } }
        : { type: 'checkpoint', data: { name, ...data } },
    );
  }

  child(options: ChildContextOptions = {}): WorkflowContext {
    return new Context(
      this.shared,
      this.correlationId,
      this.correlationId,
      options.persona ?? this.persona,
      { ...this.state },
      // Hand on a lazy signal as it is, so that a child does not force it into existence.
      options.signal ?? this.signalValue ?? this.lazy!,
    );
  }

  withSignal(signal: AbortSignal | LazySignal): WorkflowContext {
    return new Context(
      this.shared,
      this.correlationId,
      this.causationId,
      this.persona,
      this.state,
      signal,
      this.checkpoints,
    );
  }
}

/** Creates the context of a run. */
export function createContext(options: ContextOptions = {}): WorkflowContext {
  const runId = options.runId ?? crypto.randomUUID();
  const shared: Shared = {
    workflowId: options.workflowId ?? crypto.randomUUID(),
    runId,
    metadata: { ...options.metadata },
    memory: options.memory ?? new Memory().namespace(`run:${runId}`),
    bus: new EventBus(),
  };
  return new Context(
    shared,
    options.correlationId ?? runId,
    options.causationId,
    options.persona,
    { ...options.state },
    options.signal ?? NEVER,
  );
}
