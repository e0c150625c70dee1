import type { PersonaInput } from '../schema/PersonaSchema.js';
import { backend } from './backend.js';
import { dataScience } from './dataScience.js';
import { devops } from './devops.js';
import { frontend } from './frontend.js';
import { observability } from './observability.js';
import { testing } from './testing.js';

/** The six personas that ship with the package, in the order people meet them. */
export const BUILTIN_PERSONAS: readonly PersonaInput[] = [
  backend,
  frontend,
  testing,
  observability,
  devops,
  dataScience,
];
