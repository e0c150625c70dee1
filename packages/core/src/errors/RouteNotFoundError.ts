import { hasCode, TtaError } from './TtaError.js';

/** Raised by `router()` when the selector names a route that does not exist and no default is set. */
export class RouteNotFoundError extends TtaError {
  override readonly name = 'RouteNotFoundError';
  readonly code = 'TTA_ROUTE_NOT_FOUND' as const;

  constructor(
    readonly primitive: string,
    readonly route: string,
    readonly routes: readonly string[],
  ) {
    super(
      `router "${primitive}" has no route "${route}"; known routes: ${routes.map((r) => `"${r}"`).join(', ')} (or set a default)`,
    );
  }
}

export const isRouteNotFoundError = (error: unknown): error is RouteNotFoundError =>
  hasCode(error, 'TTA_ROUTE_NOT_FOUND');
