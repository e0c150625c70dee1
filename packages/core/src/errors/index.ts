// The errors of @tta-dev/core (subpath `@tta-dev/core/errors`): the `TtaError` base that every
// tta package's errors extend, and core's own. Nothing else is loaded, so packages whose start-up
// time counts (the persona store behind `tta-persona current`) can import it.

export { BrokenCircuitError, isBrokenCircuitError } from './BrokenCircuitError.js';
export { CancelledError, isCancelledError } from './CancelledError.js';
export { GateFailedError, isGateFailedError } from './GateFailedError.js';
export { InvalidCompositionError, isInvalidCompositionError } from './InvalidCompositionError.js';
export { isRouteNotFoundError, RouteNotFoundError } from './RouteNotFoundError.js';
export { isTimeoutError, TimeoutError } from './TimeoutError.js';
export type { CoreErrorCode, TtaErrorCode } from './TtaError.js';
export { hasCode, TtaError, ttaCodeOf } from './TtaError.js';
export type { ValidationIssue } from './ValidationError.js';
export { isValidationError, ValidationError } from './ValidationError.js';
