import { fileURLToPath } from 'node:url';

/** The folder of the built-in templates (`<name>.workflow.yaml`), shipped with the package. */
export const BUILTIN_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));
