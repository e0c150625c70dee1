import type { CodeLanguage } from './CodeSandbox.js';

/**
 * Node's data segment may grow this far beyond the heap limit: the interpreter itself (thread
 * stacks, code, buffers of its own) needs about 50 MiB, and a smaller RLIMIT_DATA makes it hang
 * at start-up instead of failing. Buffers and typed arrays live outside the V8 heap, so this is
 * what bounds them.
 */
export const NODE_DATA_HEADROOM_MB = 256;
/** Python's address space may grow this far beyond the memory limit: the interpreter's own. */
export const PYTHON_ADDRESS_HEADROOM_MB = 64;

/** Marker the Python bootstrap writes when the code hits its memory limit. */
export const PYTHON_OOM_MARKER = '[tta-sandbox] MemoryError: the code reached its memory limit';

/**
 * Runs the script named by argv[2] as __main__ with its address space limited to argv[1] bytes.
 * A MemoryError writes a marker with preallocated bytes first (printing may itself need memory);
 * other tracebacks are shown from the user's first frame, without this bootstrap's. No single
 * quote, so that it can be quoted for a shell as is.
 */
const PYTHON_BOOTSTRAP = `import os, resource, runpy, sys, traceback
marker = b"\\n${PYTHON_OOM_MARKER}\\n"
limit, script = int(sys.argv[1]), sys.argv[2]
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.argv = sys.argv[2:]
def report(error):
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != script:
        tb = tb.tb_next
    traceback.print_exception(type(error), error, tb)
try:
    runpy.run_path(script, run_name="__main__")
except MemoryError as error:
    os.write(2, marker)
    try:
        report(error)
    except BaseException:
        pass
    os._exit(1)
except (SystemExit, KeyboardInterrupt):
    raise
except BaseException as error:
    report(error)
    sys.exit(1)
`;

export interface LaunchOptions {
  readonly language: CodeLanguage;
  /** The entry file, relative to the working folder the script runs in. */
  readonly file: string;
  readonly memoryMb: number;
  /** The Node executable (locally: the one running this process). */
  readonly node: string;
  /** The Python executable. */
  readonly python: string;
}

/** Quotes a word for a POSIX shell. */
export const shellQuote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * A POSIX shell script that starts the code within its memory limit, the same locally (run by
 * /bin/sh) and in E2B (run by the sandbox's bash): no core files; Node gets a V8 heap limit and a
 * data-segment limit (RLIMIT_DATA, which since Linux 4.7 counts anonymous mappings, so it bounds
 * Buffers too); Python limits its own address space (RLIMIT_AS) in a bootstrap. Output is
 * unbuffered so that what was printed before a kill is not lost.
 */
export function launchScript(options: LaunchOptions): string {
  const { language, file, memoryMb } = options;
  if (language === 'python') {
    const bytes = (memoryMb + PYTHON_ADDRESS_HEADROOM_MB) * 1024 * 1024;
    return `ulimit -c 0; exec ${[options.python, '-u', '-c', PYTHON_BOOTSTRAP, String(bytes), file].map(shellQuote).join(' ')}`;
  }
  const dataKb = (memoryMb + NODE_DATA_HEADROOM_MB) * 1024;
  const argv = [options.node, `--max-old-space-size=${memoryMb}`, '--enable-source-maps', file];
  return `ulimit -c 0; ulimit -d ${dataKb} || exit 125; exec ${argv.map(shellQuote).join(' ')}`;
}
