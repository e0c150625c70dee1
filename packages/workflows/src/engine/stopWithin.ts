/** How long an attempt waits, once told to stop, for its work to stop (a command's SIGKILL is at 2 s). */
export const STOP_GRACE_MS = 5_000;

/**
 * Runs `work` under `signal`: when the signal aborts, waits for the work to stop (its command
 * killed, its call cancelled) for up to `graceMs`, then rejects with the signal's reason. So an
 * attempt that ran out of time ends when its work has ended, and a retry never overlaps it; work
 * that ignores its signal is let go after the grace period.
 */
export function stopWithin<T>(
  signal: AbortSignal,
  work: () => Promise<T>,
  graceMs = STOP_GRACE_MS,
): Promise<T> {
  signal.throwIfAborted();
  const running = work();
  return new Promise<T>((resolve, reject) => {
    let grace: NodeJS.Timeout | undefined;
    const onAbort = () => {
      grace = setTimeout(() => reject(signal.reason), graceMs);
      grace.unref?.();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    running.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        clearTimeout(grace);
        // Work that finished as it was told to stop still counts as stopped.
        if (signal.aborted) reject(signal.reason);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        clearTimeout(grace);
        reject(signal.aborted ? signal.reason : error);
      },
    );
  });
}
