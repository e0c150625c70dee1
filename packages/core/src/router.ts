import { InvalidCompositionError } from './errors/InvalidCompositionError.js';
import { RouteNotFoundError } from './errors/RouteNotFoundError.js';
import { BasePrimitive, type Primitive } from './Primitive.js';
import type { WorkflowContext } from './WorkflowContext.js';

export type RouteSelector<I> = (input: I, ctx: WorkflowContext) => string | Promise<string>;

export interface RouterOptions {
  /** Route taken when the selector names none of the routes. Default: none (an error). */
  default?: string;
  /** Default: `router`. */
  name?: string;
}

/** Key under which the chosen route keys are appended, in order, in `ctx.state`. */
export const ROUTING_HISTORY_KEY = 'routingHistory';

/** Picks one route by key and runs it; records the key in `ctx.state.routingHistory`. */
export class Router<I, O> extends BasePrimitive<I, O> {
  readonly kind = 'router' as const;
  private readonly defaultRoute: string | undefined;

  constructor(
    private readonly routes: Readonly<Record<string, Primitive<I, O>>>,
    private readonly select: RouteSelector<I>,
    options: RouterOptions = {},
  ) {
    super(options.name ?? 'router');
    this.defaultRoute = options.default;
    if (this.defaultRoute !== undefined && !Object.hasOwn(routes, this.defaultRoute)) {
      throw new InvalidCompositionError(
        `router default "${this.defaultRoute}" is not one of its routes: ${Object.keys(routes).join(', ')}`,
      );
    }
  }

  protected async execute(input: I, ctx: WorkflowContext): Promise<O> {
    const selected = await this.select(input, ctx);
    let key = selected;
    if (!Object.hasOwn(this.routes, key)) {
      if (this.defaultRoute === undefined)
        throw new RouteNotFoundError(this.name, key, Object.keys(this.routes));
      key = this.defaultRoute;
    }
    const history = ctx.state[ROUTING_HISTORY_KEY];
    if (Array.isArray(history)) history.push(key);
    else ctx.state[ROUTING_HISTORY_KEY] = [key];
    ctx.emit({ type: 'route', primitive: this.name, data: { selected, route: key } });
    return this.routes[key]!.run(input, ctx);
  }
}

/** Runs the route that `select` names; falls back to `options.default`, else raises `RouteNotFoundError`. */
export function router<I, O>(
  routes: Readonly<Record<string, Primitive<I, O>>>,
  select: RouteSelector<I>,
  options?: RouterOptions,
): Router<I, O> {
  return new Router(routes, select, options);
}
