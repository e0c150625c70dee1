// Writes dist/builtins/builtinPersonas.json: the built-in personas as PersonaSchema parses them
// (validated, defaults applied), so that the registry needs no zod for them at run time.
import { writeFileSync } from 'node:fs';
import { BUILTIN_PERSONAS } from '../dist/builtins/index.js';
import { PARSED_BUILTINS_FILE } from '../dist/builtins/parsedBuiltins.js';
import { PersonaSchema } from '../dist/schema/PersonaSchema.js';

const parsed = BUILTIN_PERSONAS.map((input) => PersonaSchema.parse(input));
writeFileSync(
  new URL(`../dist/builtins/${PARSED_BUILTINS_FILE}`, import.meta.url),
  `${JSON.stringify(parsed)}\n`,
);
