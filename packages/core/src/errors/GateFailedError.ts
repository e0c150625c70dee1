import type { GateResult } from '../gate.js';
import { hasCode, TtaError } from './TtaError.js';

/** Raised by `gate()` when its check does not pass; carries the reason and the measured values. */
export class GateFailedError extends TtaError {
  override readonly name = 'GateFailedError';
  readonly code = 'TTA_GATE_FAILED' as const;
  readonly reason: string;
  readonly metrics: Readonly<Record<string, number>>;

  constructor(
    /** Name of the gate. */
    readonly gate: string,
    result: GateResult,
  ) {
    super(`quality gate "${gate}" failed: ${result.reason}`);
    this.reason = result.reason;
    this.metrics = result.metrics ?? {};
  }
}

export const isGateFailedError = (error: unknown): error is GateFailedError =>
  hasCode(error, 'TTA_GATE_FAILED');
