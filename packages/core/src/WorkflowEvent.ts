/**
 * Something that happened during a run, delivered to the listeners of its context.
 * Core primitives emit the types listed in `CoreEventType`; workflows and users emit their own.
 */
export interface WorkflowEvent {
  /** What happened, e.g. `retry`, `gate`, `checkpoint`, `circuit_state`. */
  readonly type: string;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly workflowId: string;
  readonly runId: string;
  readonly correlationId: string;
  /** Name of the primitive that emitted it, when one did. */
  readonly primitive?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Event types that the core primitives emit. */
export type CoreEventType =
  | 'checkpoint'
  | 'retry'
  | 'timeout'
  | 'fallback'
  | 'route'
  | 'circuit_state'
  | 'compensation'
  | 'gate';

/** What a caller passes to `ctx.emit`: the context fills in time and ids. */
export interface EmittedEvent {
  readonly type: CoreEventType | (string & {});
  readonly primitive?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export type WorkflowEventListener = (event: WorkflowEvent) => void;
