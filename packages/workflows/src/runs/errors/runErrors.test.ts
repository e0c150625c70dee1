import { TtaError, ttaCodeOf } from '@tta-dev/core/errors';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, isInvalidInputError } from './InvalidInputError.js';
import { InvalidRunEventError, isInvalidRunEventError } from './InvalidRunEventError.js';
import { InvalidRunIdError, isInvalidRunIdError } from './InvalidRunIdError.js';
import { isLeaseLostError, LeaseLostError } from './LeaseLostError.js';
import { isRunBusyError, RunBusyError } from './RunBusyError.js';
import { isRunFinishedError, RunFinishedError } from './RunFinishedError.js';
import { isRunLogCorruptError, RunLogCorruptError } from './RunLogCorruptError.js';
import { isRunLogLockedError, RunLogLockedError } from './RunLogLockedError.js';
import { isRunNotFoundError, RunNotFoundError } from './RunNotFoundError.js';
import { isStepNotWaitingError, StepNotWaitingError } from './StepNotWaitingError.js';

const cases = [
  [
    new InvalidInputError('strict', 'input "strict" must be true or false'),
    'TTA_INVALID_INPUT',
    isInvalidInputError,
  ],
  [new InvalidRunEventError('r', 'note', []), 'TTA_INVALID_RUN_EVENT', isInvalidRunEventError],
  [new InvalidRunIdError('../x'), 'TTA_INVALID_RUN_ID', isInvalidRunIdError],
  [new LeaseLostError('r', 'me'), 'TTA_LEASE_LOST', isLeaseLostError],
  [new RunBusyError('r'), 'TTA_RUN_BUSY', isRunBusyError],
  [new RunFinishedError('r', 'cancelled'), 'TTA_RUN_FINISHED', isRunFinishedError],
  [
    new RunLogCorruptError('events.jsonl', 3, 'not JSON'),
    'TTA_RUN_LOG_CORRUPT',
    isRunLogCorruptError,
  ],
  [
    new RunLogLockedError('.tta/runs/r/append.lock', 30_000),
    'TTA_RUN_LOG_LOCKED',
    isRunLogLockedError,
  ],
  [new RunNotFoundError('r'), 'TTA_RUN_NOT_FOUND', isRunNotFoundError],
  [new StepNotWaitingError('r', 's', ['review']), 'TTA_STEP_NOT_WAITING', isStepNotWaitingError],
] as const;

describe('the errors of runs', () => {
  it.each(cases)(
    '%s carries its stable code and its guard knows it by code',
    (error, code, guard) => {
      expect(error).toBeInstanceOf(TtaError);
      expect(ttaCodeOf(error)).toBe(code);
      expect(error.message).not.toMatch(/\n/);
      // Another copy of the package: same code, another class.
      expect(guard({ code })).toBe(true);
      for (const [other, otherCode] of cases)
        if (otherCode !== code) expect(guard(other)).toBe(false);
    },
  );

  it('say what to do about the state they report', () => {
    expect(new RunBusyError('r').message).toMatch(/wait for it.*or stop that process/);
    expect(new StepNotWaitingError('r', 's', ['review']).message).toContain('waits for "review"');
    expect(new RunFinishedError('r', 'completed').message).toContain('already completed');
  });
});
