import { type Step, step } from '@tta-dev/core';
import {
  type CodeRequest,
  CodeRequestSchema,
  type CodeResult,
  type CodeSandbox,
} from './CodeSandbox.js';

/** A primitive that runs code in a sandbox: its input is the request, its output the result. */
export type CodeExecution = Step<CodeRequest, CodeResult>;

/**
 * Code execution as a `@tta-dev/core` primitive (a `step`, so it records a `tta.step` span and
 * composes with `retry`, `timeout`, `sequence`…). The context's signal reaches the sandbox: a
 * `timeout` around it, or a cancelled run, kills the code's processes. A limit the code hits is
 * a result (`timedOut`, `outOfMemory`), not an error; an invalid request is a `ValidationError`.
 */
export function codeExecution(
  sandbox: CodeSandbox,
  options: { readonly name?: string } = {},
): CodeExecution {
  return step((request: CodeRequest, ctx) => sandbox.run(request, { signal: ctx.signal }), {
    name: options.name ?? 'code-execution',
    input: CodeRequestSchema,
  });
}
