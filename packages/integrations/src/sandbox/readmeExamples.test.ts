import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalSandbox } from './LocalSandbox.js';
import { extractCodeExamples, runReadmeExamples } from './readmeExamples.js';

const README = `# readme-demo

Adds numbers.

\`\`\`js
import { add } from 'readme-demo';
console.log(add(1, 2));
\`\`\`

\`\`\`sh
npm install readme-demo
\`\`\`

~~~~ts
import { add } from 'readme-demo';
const sum: number = add(2, 3);
if (sum !== 5) throw new Error(\`expected 5, got \${sum}\`);
const fence = '\`\`\`';
~~~~

1. In a list:

   \`\`\`python
   print("indented")
   \`\`\`

\`\`\`python
import sys
print("this example is out of date", file=sys.stderr)
sys.exit(2)
\`\`\`

\`\`\`ts no-run
this is not code at all
\`\`\`

\`\`\`js
\`\`\`
`;

describe('extractCodeExamples', () => {
  it('finds the js, ts and python blocks with their lines, as CommonMark reads fences', () => {
    const examples = extractCodeExamples(README);
    expect(examples.map((e) => [e.language, e.line, e.skip])).toEqual([
      ['javascript', 5, false],
      ['typescript', 14, false],
      ['python', 23, false],
      ['python', 27, false],
      ['typescript', 33, true],
      ['javascript', 37, false],
    ]);
    expect(examples[1]!.code).toContain("const fence = '```';");
    expect(examples[2]!.code).toBe('print("indented")');
    expect(examples[4]!.info).toBe('ts no-run');
  });

  it('runs an unclosed block to the end of the text, and ignores inline backtick runs', () => {
    expect(extractCodeExamples('```py\nprint(1)\n')).toMatchObject([
      { code: 'print(1)\n', line: 1 },
    ]);
    expect(extractCodeExamples('``` js `not a fence`\n```')).toEqual([]);
  });
});

describe('runReadmeExamples', () => {
  let pkg: string;
  beforeAll(async () => {
    // A package whose README imports it by name: the examples run inside its folder.
    pkg = await mkdtemp(join(tmpdir(), 'tta-readme-'));
    await writeFile(
      join(pkg, 'package.json'),
      JSON.stringify({ name: 'readme-demo', type: 'module', exports: './index.js' }),
    );
    await writeFile(join(pkg, 'index.js'), 'export const add = (a, b) => a + b;\n');
    await writeFile(join(pkg, 'README.md'), README);
  });
  afterAll(() => rm(pkg, { recursive: true, force: true }));

  it('runs each example in the sandbox and reports pass, fail or skip per example', async () => {
    const sandbox = new LocalSandbox({ tempRoot: pkg });
    const file = join(pkg, 'README.md');
    const report = await runReadmeExamples(file, { sandbox, timeLimitMs: 10_000 });
    expect(report).toMatchObject({ file, ok: false, passed: 3, failed: 1, skipped: 2 });
    expect(report.examples.map((e) => [e.line, e.status])).toEqual([
      [5, 'passed'],
      [14, 'passed'],
      [23, 'passed'],
      [27, 'failed'],
      [33, 'skipped'],
      [37, 'skipped'],
    ]);
    expect(report.examples[0]!.result?.stdout).toBe('3\n');
    expect(report.examples[3]!.problem).toBe(
      `${file}:27: python code (local sandbox) exited 2 (expected 0):\nthis example is out of date`,
    );
    // The working folders inside the package are gone.
    expect((await readdir(pkg)).sort()).toEqual(['README.md', 'index.js', 'package.json']);
  });

  it('passes a README whose examples all work', async () => {
    const sandbox = new LocalSandbox();
    const file = join(pkg, 'GOOD.md');
    await writeFile(
      file,
      '```python\nassert 1 + 1 == 2\n```\n\n```ts\nconst ok: boolean = true;\n```\n',
    );
    const report = await runReadmeExamples(file, { sandbox });
    expect(report).toMatchObject({ ok: true, passed: 2, failed: 0, skipped: 0 });
  });
});
