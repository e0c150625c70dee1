import { TtaError } from '@tta-dev/core/errors';

/** A request the server refuses: its status, and the JSON body `{ error, field?, ... }`. */
export class HttpError extends TtaError {
  override readonly name = 'HttpError';
  readonly code = 'TTA_HTTP' as const;

  constructor(
    readonly status: number,
    message: string,
    /** More of the body: `field` (the path of a bad field), `waiting`… */
    readonly details: Record<string, unknown> = {},
    /** More headers: `allow`, `retry-after`, `www-authenticate`… */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get body(): Record<string, unknown> {
    return { error: this.message, ...this.details };
  }
}
