import {
  fieldPosition,
  locateZodIssue,
  type PersonaRegistry,
  parseYamlFile,
} from '@tta-dev/personas';
import { expressionIssues } from './expressionIssues.js';
import type { StepKind } from './StepKind.js';
import { WorkflowFileError, type WorkflowFileIssue } from './WorkflowFileError.js';
import { type WorkflowDefinition, workflowSchemaFor } from './WorkflowSchema.js';

export interface ParseWorkflowOptions {
  /** When given, every stage's persona must resolve in it (by name, alias or chat mode). */
  registry?: PersonaRegistry;
  /**
   * Step kinds besides the standard ones (an application's own, or the standard ones with their
   * `run`); a step of a kind not among them is refused with the list of known kinds.
   */
  kinds?: readonly StepKind[];
}

/**
 * Parses and validates a workflow file's text (YAML): the schema, every `${{ }}` expression, and
 * (with a registry) every stage's persona. All problems are reported at once, each with the
 * file, line, column and dotted path.
 */
export function parseWorkflow(
  file: string,
  text: string,
  options: ParseWorkflowOptions = {},
): WorkflowDefinition {
  const parsed = parseYamlFile(text);
  if (!parsed.ok) throw new WorkflowFileError(file, parsed.issues);
  const { doc, lines, data } = parsed;
  const issues: WorkflowFileIssue[] = expressionIssues(doc, lines, data);
  const result = workflowSchemaFor(options.kinds).workflow.safeParse(data);
  if (!result.success)
    issues.push(...result.error.issues.flatMap((issue) => locateZodIssue(doc, lines, issue)));
  if (result.success && options.registry !== undefined) {
    result.data.stages.forEach((stage, s) => {
      if (options.registry!.resolve(stage.persona) !== undefined) return;
      const suggestions = options.registry!.suggest(stage.persona);
      issues.push({
        path: `stages.${s}.persona`,
        ...fieldPosition(doc, lines, ['stages', s, 'persona']),
        message: `unknown persona "${stage.persona}"${suggestions.length > 0 ? `; did you mean ${suggestions.map((n) => `"${n}"`).join(', ')}?` : ''}`,
      });
    });
  }
  if (issues.length > 0) throw new WorkflowFileError(file, issues);
  return result.data!;
}
