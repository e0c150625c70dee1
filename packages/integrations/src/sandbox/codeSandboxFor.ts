import type { CodeSandbox } from './CodeSandbox.js';
import { E2bSandbox, type E2bSandboxOptions } from './E2bSandbox.js';
import { LocalSandbox, type LocalSandboxOptions } from './LocalSandbox.js';

export interface CodeSandboxChoice {
  readonly local?: LocalSandboxOptions;
  readonly e2b?: Omit<E2bSandboxOptions, 'apiKey'>;
}

/**
 * The sandbox an environment asks for: E2B when `E2B_API_KEY` is set (not empty), else the local
 * child-process sandbox, whose code gets the environment's PATH.
 */
export function codeSandboxFor(
  env: Readonly<Record<string, string | undefined>>,
  choice: CodeSandboxChoice = {},
): CodeSandbox {
  const apiKey = env.E2B_API_KEY?.trim();
  if (apiKey) return new E2bSandbox({ ...choice.e2b, apiKey });
  return new LocalSandbox({ ...(env.PATH ? { path: env.PATH } : {}), ...choice.local });
}
