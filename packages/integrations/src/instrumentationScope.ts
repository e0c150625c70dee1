import { createRequire } from 'node:module';

/** The instrumentation scope of this package's spans and metrics: its name and version. */
export const INSTRUMENTATION_SCOPE: { readonly scope: string; readonly version: string } = {
  scope: '@tta-dev/integrations',
  version: (createRequire(import.meta.url)('../package.json') as { version: string }).version,
};
