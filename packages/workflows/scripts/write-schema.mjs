// Writes workflow.schema.json, the JSON Schema of workflow files, from the zod schema in dist/.
import { writeFileSync } from 'node:fs';
import { workflowJsonSchema } from '../dist/definition/workflowJsonSchema.js';

writeFileSync(
  new URL('../workflow.schema.json', import.meta.url),
  `${JSON.stringify(workflowJsonSchema(), null, 2)}\n`,
);
