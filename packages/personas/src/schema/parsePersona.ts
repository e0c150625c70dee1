import { locateZodIssue } from './fileIssues.js';
import { PersonaFileError } from './PersonaFileError.js';
import { type Persona, PersonaSchema } from './PersonaSchema.js';
import { parseYamlFile } from './parseYamlFile.js';

/**
 * Parses and validates the text of a persona file (YAML, or JSON, which YAML reads too). Errors
 * name the file, the line and column, and the dotted path of every bad field.
 */
export function parsePersona(file: string, text: string): Persona {
  const parsed = parseYamlFile(text);
  if (!parsed.ok) throw new PersonaFileError(file, parsed.issues);
  const { doc, lines, data } = parsed;
  const result = PersonaSchema.safeParse(data);
  if (result.success) return result.data;
  throw new PersonaFileError(
    file,
    result.error.issues.flatMap((issue) => locateZodIssue(doc, lines, issue)),
  );
}
