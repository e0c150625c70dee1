// README examples of a package as package-release runs them (a `code` step on README.md through
// the step runners tta uses): they import the package by its own name, with `require` in a
// CommonJS package as with `import`, and a failing one is told by its error line.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonaRegistry } from '@tta-dev/personas';
import { InMemoryRunStore, parseWorkflow, WorkflowEngine } from '@tta-dev/workflows';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStepRunners } from '../steps/createStepKinds.js';
import type { ExamplesReport } from './readmeExamples.js';

let pkg: string;
beforeAll(async () => {
  // A CommonJS package as `npm init` makes it: no "type", no "exports".
  pkg = await mkdtemp(join(tmpdir(), 'tta-cjs-readme-'));
  await writeFile(
    join(pkg, 'package.json'),
    JSON.stringify({ name: '@acme/adder', version: '1.0.0', main: 'index.js' }),
  );
  await writeFile(join(pkg, 'index.js'), 'exports.add = (a, b) => a + b;\n');
  await writeFile(
    join(pkg, 'README.md'),
    [
      '# @acme/adder',
      '```js',
      "const { add } = require('@acme/adder');",
      "if (add(1, 2) !== 3) throw new Error('wrong sum');",
      '```',
      '```js',
      "import { add } from '@acme/adder';",
      'console.log(add(2, 3));',
      '```',
      '```js',
      "const { sub } = require('@acme/adder');",
      'sub(3, 1);',
      '```',
      '',
    ].join('\n'),
  );
});
afterAll(() => rm(pkg, { recursive: true, force: true }));

it('runs the examples against the package by its own name, and names the failing error', async () => {
  const registry = await PersonaRegistry.load({ home: '/nonexistent-tta-home', cwd: '/' });
  const workflow = parseWorkflow(
    'readme.workflow.yaml',
    `name: readme
description: d
stages:
  - id: s
    title: S
    persona: backend
    steps:
      - id: examples
        code: README.md
        language: markdown
        allowFailure: true
`,
    { registry },
  );
  const result = await new WorkflowEngine({
    store: new InMemoryRunStore(),
    registry,
    cwd: pkg,
    env: { PATH: process.env.PATH },
    runners: { code: createStepRunners({ env: { PATH: process.env.PATH } }).code! },
  }).start(workflow, {}, 'readme-1');
  const done = result.events.find((e) => e.type === 'step_succeeded' && e.step === 'examples');
  const report = (done as { output: ExamplesReport } | undefined)?.output;
  expect(report?.examples.map((e) => e.status)).toEqual(['passed', 'passed', 'failed']);
  expect(report?.examples[1]?.result?.stdout).toBe('5\n');
  expect(report?.examples[2]?.problem).toMatch(
    /README\.md:10: javascript code \(local sandbox\) exited 1 \(expected 0\): TypeError: sub is not a function\n/,
  );
  // The working folders, and the links in them, are gone; the package is as it was.
  expect(await readdir(join(pkg, '.tta', 'sandbox'))).toEqual([]);
  expect((await readdir(pkg)).sort()).toEqual(['.tta', 'README.md', 'index.js', 'package.json']);
});
