/** How the delay grows between attempts. */
export type BackoffKind = 'constant' | 'linear' | 'exponential';
/**
 * Randomness added to the delay, so that many clients do not retry in step:
 * - `none`: the delay as computed.
 * - `full`: uniform between 0 and the delay (AWS "full jitter").
 * - `decorrelated`: uniform between the initial delay and 3× the previous delay, capped (AWS "decorrelated jitter").
 */
export type JitterKind = 'none' | 'full' | 'decorrelated';

export interface BackoffOptions {
  /** Default: `exponential`. */
  backoff?: BackoffKind;
  /** Delay before the first retry, in ms. Default: `DEFAULT_INITIAL_DELAY_MS`. */
  initialDelayMs?: number;
  /** Upper bound of any delay, in ms. Default: `DEFAULT_MAX_DELAY_MS`. */
  maxDelayMs?: number;
  /** Default: `none`. */
  jitter?: JitterKind;
  /** Source of randomness in [0, 1). Default: `Math.random`. */
  random?: () => number;
}

export const DEFAULT_INITIAL_DELAY_MS = 100;
export const DEFAULT_MAX_DELAY_MS = 30_000;

/**
 * Delay before retry number `retry` (1 for the first retry), given the previous delay.
 * Without jitter: constant = initial; linear = initial × retry; exponential = initial × 2^(retry−1);
 * each capped at `maxDelayMs`.
 */
export function backoffDelay(
  options: BackoffOptions,
  retry: number,
  previousDelayMs: number,
): number {
  const initial = options.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS;
  const max = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const random = options.random ?? Math.random;
  let base: number;
  switch (options.backoff ?? 'exponential') {
    case 'constant':
      base = initial;
      break;
    case 'linear':
      base = initial * retry;
      break;
    case 'exponential':
      base = initial * 2 ** (retry - 1);
      break;
  }
  const capped = Math.min(base, max);
  switch (options.jitter ?? 'none') {
    case 'none':
      return capped;
    case 'full':
      return Math.floor(random() * capped);
    case 'decorrelated': {
      const upper = Math.max(initial, previousDelayMs * 3);
      return Math.min(max, Math.floor(initial + random() * (upper - initial)));
    }
  }
}
