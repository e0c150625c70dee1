import type { z } from 'zod';
import { hasCode, TtaError } from './TtaError.js';

/** One problem found by a schema: the dotted path of the field and what was expected. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** Raised by `step()` when its input or output does not match the zod schema it was given. */
export class ValidationError extends TtaError {
  override readonly name = 'ValidationError';
  readonly code = 'TTA_VALIDATION' as const;
  readonly issues: readonly ValidationIssue[];

  constructor(
    readonly primitive: string,
    /** Whether the input or the output was invalid. */
    readonly side: 'input' | 'output',
    error: z.ZodError,
  ) {
    const issues = error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(root)',
      message: issue.message,
    }));
    super(
      `invalid ${side} of "${primitive}": ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { cause: error },
    );
    this.issues = issues;
  }
}

export const isValidationError = (error: unknown): error is ValidationError =>
  hasCode(error, 'TTA_VALIDATION');
