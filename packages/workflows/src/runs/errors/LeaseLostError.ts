import { hasCode, TtaError } from '@tta-dev/core/errors';

/**
 * A lease could not be renewed: it lapsed and another owner took the run over. Whoever held it
 * must stop driving the run at once.
 */
export class LeaseLostError extends TtaError {
  override readonly name = 'LeaseLostError';
  readonly code = 'TTA_LEASE_LOST' as const;

  constructor(
    readonly runId: string,
    readonly owner: string,
  ) {
    super(
      `the lease of "${owner}" on run "${runId}" was lost (it lapsed and another owner took the run over): stop driving this run; renew leases more often than their ttlMs`,
    );
  }
}

export const isLeaseLostError = (error: unknown): error is LeaseLostError =>
  hasCode(error, 'TTA_LEASE_LOST');
