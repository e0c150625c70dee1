import { InvalidRunEventError, type RunEventIssue } from './errors/InvalidRunEventError.js';
import { InvalidRunIdError } from './errors/InvalidRunIdError.js';
import {
  RUN_EVENT_TYPES,
  RUN_ID_PATTERN,
  type RunEvent,
  RunEventInputSchema,
  type RunEventType,
} from './RunEvent.js';
import { DEFAULT_LEASE_TTL_MS, type FollowOptions, type LeaseOptions } from './RunStore.js';
import { redactSecrets } from './redactSecrets.js';

export function checkRunId(runId: string): void {
  if (typeof runId !== 'string' || !RUN_ID_PATTERN.test(runId)) throw new InvalidRunIdError(runId);
}

/**
 * Checks what `lease(runId, owner, options)` was given, as every store does before it looks at
 * its leases, and gives the lease's time to live.
 */
export function leaseArguments(runId: string, owner: string, options: LeaseOptions): number {
  options.signal?.throwIfAborted();
  checkRunId(runId);
  if (typeof owner !== 'string' || owner.trim() === '')
    throw new TypeError('a lease owner is a non-empty string (a name for this process)');
  const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  if (!(Number.isFinite(ttlMs) && ttlMs > 0))
    throw new RangeError(`ttlMs must be a positive number of milliseconds, got ${ttlMs}`);
  return ttlMs;
}

/** The `after` of what `follow(runId, options)` was given, checked as every store does. */
export function followAfter(options: FollowOptions): number | 'end' {
  const after = options.after ?? 0;
  if (after !== 'end' && !(Number.isInteger(after) && after >= 0))
    throw new RangeError(`after must be a whole number ≥ 0 or "end", got ${String(after)}`);
  return after;
}

/**
 * Turns what `append` was given into the event to store: secrets redacted, payload validated,
 * envelope added. Throws `InvalidRunEventError` when the event is invalid or out of order.
 */
export function prepareEvent(
  runId: string,
  input: unknown,
  seq: number,
  now: number,
  secrets: readonly string[],
): RunEvent {
  const type = knownType(input);
  const issue = (path: string, message: string) =>
    new InvalidRunEventError(runId, type, [{ path, message }]);
  if (type === undefined) {
    const given =
      typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
    throw issue(
      'type',
      `${given === undefined ? 'missing' : `unknown event type ${JSON.stringify(given)}`}; expected one of ${RUN_EVENT_TYPES.join(', ')}`,
    );
  }
  if (seq === 1 && type !== 'run_started')
    throw issue('type', `the first event of a run must be run_started, not ${type}`);
  if (seq > 1 && type === 'run_started')
    throw issue('type', `the run has already started (it has ${seq - 1} events)`);
  const parsed = RunEventInputSchema.safeParse(redactSecrets(input, { secrets }));
  if (!parsed.success) {
    const issues: RunEventIssue[] = parsed.error.issues.map((i) => ({
      path: i.path.map(String).join('.'),
      message: i.message,
    }));
    throw new InvalidRunEventError(runId, type, issues);
  }
  return { seq, time: new Date(now).toISOString(), runId, ...parsed.data } as RunEvent;
}

function knownType(input: unknown): RunEventType | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const type = (input as { type?: unknown }).type;
  return RUN_EVENT_TYPES.includes(type as RunEventType) ? (type as RunEventType) : undefined;
}
