import {
  CodeFields,
  parseWorkflow,
  STANDARD_STEP_KINDS,
  standardStepKind,
  workflowJsonSchema,
} from '@tta-dev/workflows';
import { describe, expect, it } from 'vitest';
import { CODE_LANGUAGES, MIN_MEMORY_MB } from '../sandbox/CodeSandbox.js';
import { createStepKinds } from './createStepKinds.js';

describe('createStepKinds', () => {
  it("gives each integration's standard kind its run, with the fields declared once", () => {
    const kinds = createStepKinds({ env: {}, tool: async () => null });
    expect(kinds.map((k) => k.kind).sort()).toEqual(
      ['code', 'git', 'github', 'logql', 'promql', 'tool'].sort(),
    );
    for (const kind of kinds) {
      expect(kind.run).toBeTypeOf('function');
      expect(kind.fields).toBe(standardStepKind(kind.kind).fields);
    }
    expect(createStepKinds({ env: {} }).some((k) => k.kind === 'tool')).toBe(false);
  });

  it('loads and describes every standard kind with them', () => {
    const kinds = createStepKinds({ env: {} });
    const schema = JSON.stringify(workflowJsonSchema(kinds));
    for (const { kind } of STANDARD_STEP_KINDS) expect(schema).toContain(`"${kind}"`);
    const wf = parseWorkflow(
      'w.yaml',
      'name: t\ndescription: d\nstages:\n  - id: s\n    title: S\n    persona: devops\n    steps:\n      - id: q\n        promql: up\n',
      { kinds },
    );
    expect(wf.stages[0]!.steps[0]).toMatchObject({ kind: 'promql', promql: 'up' });
  });

  it("declares the code step's languages and memory floor as the sandbox has them", () => {
    const language = CodeFields.shape.language.unwrap();
    expect(language.options).toEqual([...CODE_LANGUAGES, 'markdown']);
    expect(CodeFields.safeParse({ code: 'x', memoryMb: MIN_MEMORY_MB }).success).toBe(true);
    expect(CodeFields.safeParse({ code: 'x', memoryMb: MIN_MEMORY_MB - 1 }).success).toBe(false);
  });
});
