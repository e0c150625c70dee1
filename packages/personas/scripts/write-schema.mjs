// Writes schema.json, the JSON Schema of persona files, from the zod schema in dist/.
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { PersonaSchema } from '../dist/schema/PersonaSchema.js';

const schema = {
  ...z.toJSONSchema(PersonaSchema, { io: 'input', target: 'draft-2020-12' }),
  $id: 'https://tta.dev/schemas/persona.json',
  title: 'TTA persona',
};
writeFileSync(new URL('../schema.json', import.meta.url), `${JSON.stringify(schema, null, 2)}\n`);
