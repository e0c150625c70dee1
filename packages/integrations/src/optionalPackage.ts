import { TtaError } from '@tta-dev/core/errors';

/** A feature needs an optional package (a peer dependency) that is not installed. */
export class MissingPackageError extends TtaError {
  override readonly name = 'MissingPackageError';
  readonly code = 'TTA_MISSING_PACKAGE' as const;

  constructor(
    readonly packageName: string,
    purpose: string,
    options?: ErrorOptions,
  ) {
    super(
      `${purpose} needs the ${packageName} package, which is not installed: install it beside @tta-dev/integrations (npm install ${packageName}; for a global tta, npm install -g ${packageName})`,
      options,
    );
  }
}

/**
 * Loads an optional peer dependency when a feature first needs it (E2B sandboxes, TypeScript
 * code, GitHub steps), so that installing the packages does not install every large SDK; a
 * package that is not there is a `MissingPackageError` naming what to install.
 */
export async function importOptional<T>(
  packageName: string,
  purpose: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      String((error as Error).message).includes(packageName)
    )
      throw new MissingPackageError(packageName, purpose, { cause: error });
    throw error;
  }
}
