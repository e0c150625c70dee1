import { RunLogCorruptError } from './errors/RunLogCorruptError.js';
import { type RunEvent, RunEventSchema } from './RunEvent.js';

/**
 * The events of a run log (JSON lines), checked line by line.
 *
 * A crash can tear the line being written: a final line without its newline that is not JSON is
 * ignored, and once the next append has started a new line after it, the fragment stays in the
 * file (the log is never rewritten) and is skipped as well. That is safe because `seq` must run
 * 1, 2, 3… without gap or repeat: a torn event was never acknowledged, so its `seq` is given
 * again to the next event, whereas a lost or duplicated event breaks the sequence and is reported
 * as corruption, as is a line that is JSON but not a valid event of this run.
 */
export function parseRunLog(text: string, file: string, runId: string): RunEvent[] {
  const parser = new RunLogParser(file, runId);
  const events: RunEvent[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const event = parser.line(lines[index]!, index + 1);
    if (event !== undefined) events.push(event);
  }
  return events;
}

/**
 * Checks the lines of one run log in order, remembering how many events it has accepted: what
 * `parseRunLog` does for a whole file, and `followRun` for a file that grows.
 */
export class RunLogParser {
  /** Events accepted so far: the `seq` of the last one. */
  count = 0;
  /** The line of a torn write since the last event accepted, to name it if it was no crash's. */
  private torn: number | undefined;

  constructor(
    readonly file: string,
    readonly runId: string,
  ) {}

  /**
   * The event of one line (1-based `lineNo`, for errors), or `undefined` for a blank line or a
   * torn write. Throws `RunLogCorruptError` for anything a crash cannot leave behind.
   *
   * `passing`: the caller skips this event (a follower starting after it), so only its place in
   * the log is checked (JSON, run, seq), not its payload against the schema: that is most of the
   * cost of a line, and a follower of a thousand runs starts by passing every event they have.
   * Returns `undefined` then.
   */
  line(line: string, lineNo: number, passing = false): RunEvent | undefined {
    if (line.trim() === '') return undefined;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      this.torn ??= lineNo;
      return undefined; // a torn write: see parseRunLog
    }
    const { file, runId } = this;
    const event = passing ? envelopeOf(raw, file, lineNo) : validEvent(raw, file, lineNo);
    if (event.runId !== runId)
      throw new RunLogCorruptError(
        file,
        lineNo,
        `an event of run "${event.runId}", not "${runId}"`,
      );
    const expected = this.count + 1;
    if (event.seq > expected && this.torn !== undefined)
      throw new RunLogCorruptError(
        file,
        this.torn,
        `not JSON, and the next event has seq ${event.seq} where ${expected} was due: this line was an event, damaged`,
      );
    if (event.seq !== expected)
      throw new RunLogCorruptError(
        file,
        lineNo,
        event.seq < expected
          ? `seq ${event.seq} comes again (two writers without a lease?)`
          : `seq jumps from ${expected - 1} to ${event.seq}: an event is missing`,
      );
    if ((expected === 1) !== (event.type === 'run_started'))
      throw new RunLogCorruptError(
        file,
        lineNo,
        expected === 1
          ? `the first event is ${event.type}, not run_started`
          : 'run_started comes again',
      );
    this.count = expected;
    this.torn = undefined;
    return passing ? undefined : (event as RunEvent);
  }
}

function validEvent(raw: unknown, file: string, lineNo: number): RunEvent {
  const parsed = RunEventSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((i) => `${i.path.map(String).join('.') || '(event)'}: ${i.message}`)
    .join('; ');
  throw new RunLogCorruptError(file, lineNo, `not a valid run event (${problems})`);
}

/** The fields that place an event in its log, checked as the schema would check them. */
function envelopeOf(
  raw: unknown,
  file: string,
  lineNo: number,
): Pick<RunEvent, 'seq' | 'runId' | 'type'> {
  const { seq, runId, type } = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<
    string,
    unknown
  >;
  if (!(Number.isSafeInteger(seq) && (seq as number) >= 1))
    throw new RunLogCorruptError(
      file,
      lineNo,
      'not a valid run event (seq: not a whole number ≥ 1)',
    );
  if (typeof runId !== 'string' || typeof type !== 'string')
    throw new RunLogCorruptError(file, lineNo, 'not a valid run event (runId, type: not strings)');
  return { seq, runId, type } as Pick<RunEvent, 'seq' | 'runId' | 'type'>;
}
