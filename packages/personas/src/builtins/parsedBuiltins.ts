import { readFileSync } from 'node:fs';
import type { Persona } from '../schema/PersonaSchema.js';

/**
 * The file the build writes beside this module (scripts/write-builtin-personas.mjs): the
 * built-in personas as `PersonaSchema` parsed them, defaults applied.
 */
export const PARSED_BUILTINS_FILE = 'builtinPersonas.json';

/**
 * The built-in personas, validated and with their defaults applied, as new objects at each call.
 * From a build they are read from the JSON the build wrote, so that listing personas loads
 * neither zod nor the schema (start-up of `tta-persona list`); from the sources (tests), or
 * if that file is missing, they are parsed here.
 */
export async function parsedBuiltinPersonas(): Promise<Persona[]> {
  let text: string | undefined;
  try {
    text = readFileSync(new URL(`./${PARSED_BUILTINS_FILE}`, import.meta.url), 'utf8');
  } catch {
    text = undefined;
  }
  if (text !== undefined) return JSON.parse(text) as Persona[];
  const [{ BUILTIN_PERSONAS }, { PersonaSchema }] = await Promise.all([
    import('./index.js'),
    import('../schema/PersonaSchema.js'),
  ]);
  return BUILTIN_PERSONAS.map((input) => PersonaSchema.parse(input));
}
