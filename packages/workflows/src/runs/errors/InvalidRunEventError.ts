import { hasCode, TtaError } from '@tta-dev/core/errors';

/** One problem with an event: the dotted path of the field and what was expected. */
export interface RunEventIssue {
  /** Dotted path inside the event, e.g. `output.items.2`; empty for the event as a whole. */
  readonly path: string;
  readonly message: string;
}

/** `RunStore.append` refused an event: it does not match its schema, or comes out of order. */
export class InvalidRunEventError extends TtaError {
  override readonly name = 'InvalidRunEventError';
  readonly code = 'TTA_INVALID_RUN_EVENT' as const;

  constructor(
    readonly runId: string,
    /** The event's `type`, when it had a known one. */
    readonly type: string | undefined,
    readonly issues: readonly RunEventIssue[],
  ) {
    super(
      `run "${runId}": ${type === undefined ? 'invalid event' : `invalid ${type} event`} was not stored: ${issues
        .map((i) => `${i.path || '(event)'}: ${i.message}`)
        .join('; ')}`,
    );
  }
}

export const isInvalidRunEventError = (error: unknown): error is InvalidRunEventError =>
  hasCode(error, 'TTA_INVALID_RUN_EVENT');
