// Test-only: runs every primitive through its interesting paths, so that telemetry tests see
// every span and metric name the package can record.
import { cache } from './cache.js';
import { circuitBreaker } from './circuitBreaker.js';
import { conditional } from './conditional.js';
import { fallback } from './fallback.js';
import { gate } from './gate.js';
import { parallel } from './parallel.js';
import { retry } from './retry.js';
import { router } from './router.js';
import { saga } from './saga.js';
import { sequence } from './sequence.js';
import { step } from './step.js';
import { timeout } from './timeout.js';
import { createContext } from './WorkflowContext.js';

const fail = step(() => {
  throw new Error('fail');
});
const never = step(() => new Promise<number>(() => {}));

export async function exerciseEverything(): Promise<void> {
  const ctx = createContext({ persona: 'testing' });
  const one = step(() => 1);
  const cached = cache(one);
  await cached.run('k', ctx);
  await cached.run('k', ctx);
  const breaker = circuitBreaker(fail, { failureThreshold: 1 });
  await breaker.run(undefined, ctx).catch(() => undefined);
  await sequence(
    one,
    conditional(() => true, one),
  ).run(undefined, ctx);
  await router({ a: one }, () => 'a').run(undefined, ctx);
  await parallel(one, one).run(undefined, ctx);
  await retry(fail, { maxRetries: 1, initialDelayMs: 0 })
    .run(undefined, ctx)
    .catch(() => undefined);
  await fallback(fail, [one]).run(undefined, ctx);
  await timeout(never, 1)
    .run(undefined, ctx)
    .catch(() => undefined);
  await gate('g', () => ({ passed: true, reason: 'fine', metrics: { m: 1 } })).run(undefined, ctx);
  await saga([{ run: one, compensate: one }, { run: fail }])
    .run(undefined, ctx)
    .catch(() => undefined);
}
