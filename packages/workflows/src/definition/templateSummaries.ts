import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BUILTIN_TEMPLATES_DIR } from './builtinTemplatesDir.js';
import { WORKFLOW_FILE_SUFFIX } from './discoverWorkflows.js';

/** What `tta workflow list` shows of a workflow: its description, stages and their personas. */
export interface TemplateSummary {
  readonly name: string;
  readonly file: string;
  readonly description: string;
  readonly stages: readonly { readonly id: string; readonly persona: string }[];
}

/**
 * As the build stores it: the file's name in templates/ and the text it validated (compared
 * whole at run time: cheaper than hashing it in JavaScript, and exact).
 */
export interface StoredTemplateSummary {
  readonly file: string;
  readonly text: string;
  readonly description: string;
  readonly stages: readonly { readonly id: string; readonly persona: string }[];
}

export interface TemplateSummariesOptions {
  /** Default: `BUILTIN_TEMPLATES_DIR`. */
  templatesDir?: string;
  /** Default: `TEMPLATE_SUMMARIES_FILE` beside this module (in dist/, where the build writes it). */
  summariesFile?: string | URL;
}

/** Written beside this module by scripts/write-template-summaries.mjs at build. */
export const TEMPLATE_SUMMARIES_FILE = 'templateSummaries.json';

/**
 * The built-in templates as the build validated them (schema, expressions, step kinds and
 * personas, against the built-in personas), by file: listing them then needs neither zod, the
 * YAML parser nor the step kinds. Only templates whose text is still the one validated are
 * there; none when no build wrote the summaries (the sources). The caller still checks each
 * stage's persona against its registry: a user's persona file may replace a built-in persona
 * and drop the alias a template names.
 */
export function builtinTemplateSummaries(
  options: TemplateSummariesOptions = {},
): Map<string, TemplateSummary> {
  const summaries = new Map<string, TemplateSummary>();
  const templatesDir = options.templatesDir ?? BUILTIN_TEMPLATES_DIR;
  let stored: StoredTemplateSummary[];
  try {
    stored = JSON.parse(
      readFileSync(
        options.summariesFile ?? new URL(`./${TEMPLATE_SUMMARIES_FILE}`, import.meta.url),
        'utf8',
      ),
    ) as StoredTemplateSummary[];
  } catch {
    return summaries;
  }
  for (const { file: name, text: validated, ...summary } of stored) {
    const file = join(templatesDir, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (text === validated)
      summaries.set(file, { name: basename(name, WORKFLOW_FILE_SUFFIX), file, ...summary });
  }
  return summaries;
}
