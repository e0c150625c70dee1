/** A line naming an error by its class: `Error: …`, `TypeError: …`, `ModuleNotFoundError: …`. */
const NAMED_ERROR = /^\s*(?:Uncaught\s+)?(?:[\w$]+\.)*[\w$]*(?:Error|Exception)\b(?::|$)/;
/** A line that says it is an error in words: `error: …`, `fatal: …`, `npm ERR! …`. */
const WORDED_ERROR = /(?:^|\s)(?:error|fatal|ERR!|failed)(?=[\s:]|$)/i;

/**
 * The first line of a command's output that looks like the error itself (`Error: Cannot find
 * module 'x'` rather than the stack and `Node.js v20` after it): the first line naming an error
 * class, else the first line saying "error", "fatal" or "failed"; undefined when none does.
 */
export function firstErrorLine(output: string): string | undefined {
  const lines = output.split(/\r?\n/);
  return (
    lines.find((l) => NAMED_ERROR.test(l)) ?? lines.find((l) => WORDED_ERROR.test(l))
  )?.trim();
}

/**
 * `problem` told with the error itself first (`: Error: …`), then the output's last five lines
 * (unless they are that line alone): what a failed command or code run reports.
 */
export function withErrorOutput(problem: string, output: string): string {
  const first = firstErrorLine(output);
  const tail = output.split('\n').slice(-5).join('\n');
  return `${problem}${first ? `: ${first}` : ''}${tail && tail.trim() !== first ? `${first ? '' : ':'}\n${tail}` : ''}`;
}
