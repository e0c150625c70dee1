import { describe, expect, it } from 'vitest';
import { isInvalidCompositionError } from './errors/InvalidCompositionError.js';
import { isRouteNotFoundError, RouteNotFoundError } from './errors/RouteNotFoundError.js';
import { ROUTING_HISTORY_KEY, router } from './router.js';
import { step } from './step.js';
import { createContext } from './WorkflowContext.js';
import type { WorkflowEvent } from './WorkflowEvent.js';

const severityRouter = (options?: { default?: string }) =>
  router<{ severity: string }, string>(
    {
      p0: step((incident: { severity: string }) => `page everyone (${incident.severity})`),
      p1: step(() => 'page on-call'),
      p3: step(() => 'file a ticket'),
    },
    (incident) => incident.severity,
    options,
  );

describe('router', () => {
  it('runs the selected route and records the key in ctx.state.routingHistory', async () => {
    const ctx = createContext();
    const events: WorkflowEvent[] = [];
    ctx.on((e) => events.push(e));
    const r = severityRouter();
    expect(await r.run({ severity: 'p0' }, ctx)).toBe('page everyone (p0)');
    expect(await r.run({ severity: 'p3' }, ctx)).toBe('file a ticket');
    expect(ctx.state[ROUTING_HISTORY_KEY]).toEqual(['p0', 'p3']);
    expect(events.map((e) => e.data)).toEqual([
      { selected: 'p0', route: 'p0' },
      { selected: 'p3', route: 'p3' },
    ]);
  });

  it('raises RouteNotFoundError naming the key and the routes when there is no default', async () => {
    const error = await severityRouter()
      .run({ severity: 'p2' }, createContext())
      .catch((e: unknown) => e);
    expect(isRouteNotFoundError(error)).toBe(true);
    expect((error as RouteNotFoundError).route).toBe('p2');
    expect((error as RouteNotFoundError).routes).toEqual(['p0', 'p1', 'p3']);
    expect((error as Error).message).toContain('"p2"');
    expect((error as Error).message).toContain('"p0", "p1", "p3"');
  });

  it('takes the default route for an unknown key and records the route taken', async () => {
    const ctx = createContext();
    expect(await severityRouter({ default: 'p1' }).run({ severity: 'p2' }, ctx)).toBe(
      'page on-call',
    );
    expect(ctx.state[ROUTING_HISTORY_KEY]).toEqual(['p1']);
  });

  it('refuses a default that is not a route', () => {
    expect(() => severityRouter({ default: 'p9' })).toThrow(/default "p9"/);
    try {
      severityRouter({ default: 'p9' });
    } catch (error) {
      expect(isInvalidCompositionError(error)).toBe(true);
    }
  });

  it('does not treat inherited object properties as routes', async () => {
    const error = await severityRouter()
      .run({ severity: 'toString' }, createContext())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RouteNotFoundError);
  });
});
