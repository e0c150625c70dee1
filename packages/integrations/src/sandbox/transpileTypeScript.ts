import type * as esbuild from 'esbuild';
import { importOptional, MissingPackageError } from '../optionalPackage.js';

/** The part of esbuild's API used here. */
export type EsbuildTransform = Pick<typeof esbuild, 'transform'>;

/** JavaScript from TypeScript, or the compiler's messages (`file:line:column: text`). */
export type Transpiled = { readonly code: string } | { readonly errors: string };

/** Turns TypeScript into JavaScript that Node 20 runs (it cannot strip types itself). */
export type TypeScriptTranspiler = (source: string, fileName: string) => Promise<Transpiled>;

/**
 * A transpiler backed by esbuild's `transform`: types are removed (no type checking, as with
 * Node's own type stripping), enums and namespaces compiled, and an inline source map makes
 * stack traces point at the TypeScript lines. `load` finds esbuild (default: `import('esbuild')`,
 * on first use, as only TypeScript code needs it; it fails where esbuild's native binary is
 * missing for the platform).
 */
export function esbuildTranspiler(
  load: () => Promise<EsbuildTransform> = () =>
    importOptional('esbuild', 'TypeScript code', () => import('esbuild')),
): TypeScriptTranspiler {
  let loaded: Promise<EsbuildTransform> | undefined;
  return async (source, fileName) => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      if (error instanceof MissingPackageError) throw error;
      throw Object.assign(
        new Error(
          `TypeScript code needs the esbuild package, which could not be loaded (${(error as Error).message})`,
          { cause: error },
        ),
        { name: 'NotConfiguredError' },
      );
    });
    const api = await loaded;
    try {
      const { code } = await api.transform(source, {
        loader: 'ts',
        format: 'esm',
        target: 'node20',
        sourcemap: 'inline',
        sourcefile: fileName,
      });
      return { code };
    } catch (error) {
      const messages = (error as Partial<esbuild.TransformFailure>).errors;
      if (!Array.isArray(messages)) throw error;
      return {
        errors: messages
          .map((m) =>
            m.location
              ? `${fileName}:${m.location.line}:${m.location.column + 1}: ${m.text}\n  ${m.location.lineText}`
              : `${fileName}: ${m.text}`,
          )
          .join('\n'),
      };
    }
  };
}
