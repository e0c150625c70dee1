// The public API of @tta-dev/core, listed by name.

export type { BackoffKind, BackoffOptions, JitterKind } from './backoff.js';
export { backoffDelay, DEFAULT_INITIAL_DELAY_MS, DEFAULT_MAX_DELAY_MS } from './backoff.js';
export type { CacheOptions, CacheStats } from './cache.js';
export { Cache, cache, DEFAULT_CACHE_ENTRIES } from './cache.js';
export type {
  CircuitBreakerOptions,
  CircuitSnapshot,
  CircuitState,
  CircuitStateChange,
  SamplingOptions,
} from './circuitBreaker.js';
export {
  CircuitBreaker,
  circuitBreaker,
  DEFAULT_FAILURE_THRESHOLD,
  DEFAULT_HALF_OPEN_AFTER_MS,
  DEFAULT_MINIMUM_CALLS,
} from './circuitBreaker.js';
export type { Predicate } from './conditional.js';
export { Conditional, conditional } from './conditional.js';
export { BrokenCircuitError, isBrokenCircuitError } from './errors/BrokenCircuitError.js';
export { CancelledError, isCancelledError } from './errors/CancelledError.js';
export { GateFailedError, isGateFailedError } from './errors/GateFailedError.js';
export {
  InvalidCompositionError,
  isInvalidCompositionError,
} from './errors/InvalidCompositionError.js';
export { isRouteNotFoundError, RouteNotFoundError } from './errors/RouteNotFoundError.js';
export { isTimeoutError, TimeoutError } from './errors/TimeoutError.js';
export type { CoreErrorCode, TtaErrorCode } from './errors/TtaError.js';
export { hasCode, TtaError, ttaCodeOf } from './errors/TtaError.js';
export type { ValidationIssue } from './errors/ValidationError.js';
export { isValidationError, ValidationError } from './errors/ValidationError.js';
export { Fallback, fallback } from './fallback.js';
export type { GateCheck, GateResult } from './gate.js';
export { Gate, gate } from './gate.js';
export { INSTRUMENTATION_SCOPE } from './instrumentation.js';
export type { InMemoryBackendOptions } from './memory/InMemoryBackend.js';
export { DEFAULT_MAX_MEMORY_ENTRIES, InMemoryBackend } from './memory/InMemoryBackend.js';
export type {
  MemoryAddOptions,
  MemoryHit,
  MemoryOptions,
  MemorySearchOptions,
} from './memory/Memory.js';
export { DEFAULT_SEARCH_LIMIT, Memory } from './memory/Memory.js';
export type { MemoryBackend, MemoryEntry } from './memory/MemoryBackend.js';
export type { InputOf, OutputOf, Primitive, PrimitiveKind, PrimitiveLike } from './Primitive.js';
export { BasePrimitive } from './Primitive.js';
export type { ParallelMode, ParallelOptions } from './parallel.js';
export { Parallel, parallel } from './parallel.js';
export type { RetryEvent, RetryOptions } from './retry.js';
export { DEFAULT_MAX_RETRIES, Retry, retry } from './retry.js';
export type { RouterOptions, RouteSelector } from './router.js';
export { ROUTING_HISTORY_KEY, Router, router } from './router.js';
export type { CompensationFailure, Completed, SagaStep } from './saga.js';
export { compensationFailuresOf, Saga, saga } from './saga.js';
export type { SequenceOptions } from './sequence.js';
export { Sequence, sequence } from './sequence.js';
export type { StepOptions } from './step.js';
export { asPrimitive, Step, step } from './step.js';
export type { TimeoutOptions } from './timeout.js';
export { TIMEOUTS_KEY, Timeout, timeout } from './timeout.js';
export type {
  Checkpoint,
  ChildContextOptions,
  ContextOptions,
  LazySignal,
  WorkflowContext,
} from './WorkflowContext.js';
export { createContext } from './WorkflowContext.js';
export type {
  CoreEventType,
  EmittedEvent,
  WorkflowEvent,
  WorkflowEventListener,
} from './WorkflowEvent.js';
