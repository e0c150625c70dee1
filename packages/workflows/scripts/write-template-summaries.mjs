// Writes dist/definition/templateSummaries.json: each built-in template as `tta workflow list`
// shows it, after validating it fully (schema, expressions, step kinds, and personas against the
// built-in ones), with the text validated. A template that does not validate fails the build.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaRegistry } from '@tta-dev/personas/registry';
import { BUILTIN_TEMPLATES_DIR } from '../dist/definition/builtinTemplatesDir.js';
import { WORKFLOW_FILE_SUFFIX } from '../dist/definition/discoverWorkflows.js';
import { parseWorkflow } from '../dist/definition/parseWorkflow.js';
import { TEMPLATE_SUMMARIES_FILE } from '../dist/definition/templateSummaries.js';

// The built-in personas only: nothing from the machine's ~/.hypertool or a project above.
const empty = mkdtempSync(join(tmpdir(), 'tta-templates-'));
try {
  const registry = await PersonaRegistry.load({ home: empty, cwd: empty });
  const summaries = readdirSync(BUILTIN_TEMPLATES_DIR)
    .filter((name) => name.endsWith(WORKFLOW_FILE_SUFFIX))
    .sort()
    .map((name) => {
      const file = join(BUILTIN_TEMPLATES_DIR, name);
      const text = readFileSync(file, 'utf8');
      const workflow = parseWorkflow(file, text, { registry });
      return {
        file: name,
        text,
        description: workflow.description,
        stages: workflow.stages.map((s) => ({ id: s.id, persona: s.persona })),
      };
    });
  writeFileSync(
    new URL(`../dist/definition/${TEMPLATE_SUMMARIES_FILE}`, import.meta.url),
    `${JSON.stringify(summaries)}\n`,
  );
} finally {
  rmSync(empty, { recursive: true, force: true });
}
