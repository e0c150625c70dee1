import { LineCounter, parseDocument } from 'yaml';
import { locateZodIssue } from './fileIssues.js';
import { PersonaFileError } from './PersonaFileError.js';
import { type Persona, PersonaSchema } from './PersonaSchema.js';

/**
 * Parses and validates the text of a persona file (YAML, or JSON, which YAML reads too). Errors
 * name the file, the line and column, and the dotted path of every bad field.
 */
export function parsePersona(file: string, text: string): Persona {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PersonaFileError(
      file,
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return {
          path: '',
          line: pos.line,
          column: pos.col,
          message: e.message.split('\n')[0] ?? e.message,
        };
      }),
    );
  }
  const data: unknown = doc.toJS();
  const result = PersonaSchema.safeParse(data);
  if (result.success) return result.data;
  throw new PersonaFileError(
    file,
    result.error.issues.flatMap((issue) => locateZodIssue(doc, lineCounter, issue)),
  );
}
