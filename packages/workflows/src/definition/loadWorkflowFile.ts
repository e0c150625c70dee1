import { readBoundedFile } from '@tta-dev/personas';
import { type ParseWorkflowOptions, parseWorkflow } from './parseWorkflow.js';
import { WorkflowFileError } from './WorkflowFileError.js';
import type { WorkflowDefinition } from './WorkflowSchema.js';

export { BUILTIN_TEMPLATES_DIR } from './builtinTemplatesDir.js';

/** Reads and parses a workflow file; a file that cannot be read is a `WorkflowFileError` too. */
export async function loadWorkflowFile(
  file: string,
  options: ParseWorkflowOptions = {},
): Promise<WorkflowDefinition> {
  let text: string;
  try {
    text = await readBoundedFile(file);
  } catch (error) {
    throw new WorkflowFileError(file, [
      { path: '', message: `cannot read the file: ${(error as Error).message}` },
    ]);
  }
  return parseWorkflow(file, text, options);
}
