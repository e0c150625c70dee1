import { hasCode, TtaError } from '@tta-dev/core/errors';

/**
 * An HTTP service (Prometheus, Loki, GitHub) that could not be reached, did not answer in time,
 * or refused the request. `errorType` and `status` are the service's own when it gave them
 * (Prometheus' `bad_data`, `timeout`, `execution`…).
 */
export class ServiceError extends TtaError {
  override readonly name = 'ServiceError';
  readonly code = 'TTA_SERVICE' as const;

  constructor(
    /** Which service, for people: "Prometheus". */
    readonly service: string,
    message: string,
    readonly details: { readonly status?: number; readonly errorType?: string } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const isServiceError = (error: unknown): error is ServiceError =>
  hasCode(error, 'TTA_SERVICE');
