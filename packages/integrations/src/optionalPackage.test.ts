import { hasCode } from '@tta-dev/core/errors';
import { describe, expect, it } from 'vitest';
import { importOptional, MissingPackageError } from './optionalPackage.js';

describe('importOptional', () => {
  it('loads a package that is installed', async () => {
    const yaml = await importOptional('yaml', 'Reading YAML', () => import('yaml'));
    expect(typeof yaml.parse).toBe('function');
  });

  it('names the package to install when it is not there', async () => {
    const missing = 'tta-no-such-package-for-tests';
    const error = await importOptional(missing, 'A test feature', () => import(missing)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MissingPackageError);
    expect(hasCode(error, 'TTA_MISSING_PACKAGE')).toBe(true);
    expect((error as Error).message).toBe(
      `A test feature needs the ${missing} package, which is not installed: install it beside @tta-dev/integrations (npm install ${missing}; for a global tta, npm install -g ${missing})`,
    );
  });

  it('passes on any other failure of the package', async () => {
    const broken = importOptional('yaml', 'Reading YAML', () => Promise.reject(new Error('boom')));
    await expect(broken).rejects.toThrow('boom');
  });
});
