import type { CodeLanguage } from './CodeSandbox.js';
import { PYTHON_OOM_MARKER } from './launchScript.js';

// What each runtime writes last when memory runs out. V8 aborts with "FATAL ERROR: Reached heap
// limit Allocation failed - JavaScript heap out of memory" (or "Committing semi space failed");
// a Buffer past RLIMIT_DATA throws "RangeError: Array buffer allocation failed"; Python raises
// MemoryError (the bootstrap's marker, or a traceback's last line); a child that fails to map
// memory says ENOMEM's "Cannot allocate memory".
const SIGNS: Readonly<Record<'node' | 'python', readonly RegExp[]>> = {
  node: [
    /FATAL ERROR: .*(?:heap out of memory|Allocation failed)[^\n]*/,
    /RangeError: Array buffer allocation failed/,
    /Cannot allocate memory/,
  ],
  python: [
    new RegExp(PYTHON_OOM_MARKER.replace(/[[\]]/g, '\\$&')),
    /^MemoryError\b[^\n]*/m,
    /Cannot allocate memory/,
  ],
};

/**
 * Whether a run that failed (non-zero exit or a signal) ran out of memory, judged from the end
 * of its stderr: the matching line is the reason, or undefined. A run that succeeded is never
 * out of memory, whatever it printed.
 */
export function outOfMemoryReason(
  language: CodeLanguage,
  failed: boolean,
  stderrTail: string,
): string | undefined {
  if (!failed) return undefined;
  for (const sign of SIGNS[language === 'python' ? 'python' : 'node']) {
    const match = sign.exec(stderrTail);
    if (match) return match[0].trim();
  }
  return undefined;
}
