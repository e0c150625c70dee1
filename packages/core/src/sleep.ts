import { CancelledError } from './errors/CancelledError.js';

/**
 * Waits `ms` milliseconds; rejects with `CancelledError` as soon as `signal` aborts, clearing
 * the timer and removing its listener either way.
 */
export function sleep(ms: number, signal: AbortSignal, primitive: string): Promise<void> {
  if (signal.aborted)
    return Promise.reject(new CancelledError(primitive, { cause: signal.reason }));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError(primitive, { cause: signal.reason }));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
