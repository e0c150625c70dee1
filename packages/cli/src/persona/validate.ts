import { resolve } from 'node:path';
import {
  isPersonaFileError,
  type PersonaFileIssue,
  PersonaRegistry,
  parsePersona,
  readBoundedFile,
} from '@tta-dev/personas';
import { parse } from '../args.js';
import { colors, eprintln, type Io, printJson, println } from '../Io.js';
import { homeOf } from './_registry.js';

export const validateHelp = `Usage: tta-persona validate [files...] [--json]

Checks persona files (JSON or YAML) against the schema. Without files, checks every file in
~/.hypertool/personas/ and the project's .hypertool/personas/. Exits 2 when any is invalid,
naming the file, line and field of each problem.

Options:
  --json   print one result per file as JSON
  -h, --help`;

interface Result {
  readonly file: string;
  readonly valid: boolean;
  readonly persona?: string;
  readonly issues?: readonly PersonaFileIssue[];
}

export async function validate(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse('tta-persona validate', argv, {
    json: { type: 'boolean' },
  });
  if (values.help) {
    println(io, validateHelp);
    return 0;
  }
  const results =
    positionals.length > 0
      ? await checkFiles(positionals.map((f) => resolve(io.cwd, f)))
      : await checkFolders(io);
  if (values.json) printJson(io, results);
  else report(io, results);
  return results.every((r) => r.valid) ? 0 : 2;
}

async function checkFiles(files: readonly string[]): Promise<Result[]> {
  return Promise.all(
    files.map(async (file): Promise<Result> => {
      try {
        const text = await readBoundedFile(file);
        const persona = parsePersona(file, text);
        return { file, valid: true, persona: persona.name };
      } catch (error) {
        if (isPersonaFileError(error)) return { file, valid: false, issues: error.issues };
        return { file, valid: false, issues: [{ path: '', message: (error as Error).message }] };
      }
    }),
  );
}

async function checkFolders(io: Io): Promise<Result[]> {
  const registry = await PersonaRegistry.load({ cwd: io.cwd, home: homeOf(io) });
  const valid = registry
    .list()
    .flatMap((p) =>
      [p.source, ...p.overrides]
        .filter((s) => s.file !== undefined)
        .map((s) => ({ file: s.file!, name: p.persona.name })),
    );
  return [
    ...valid.map(({ file, name }) => ({ file, valid: true, persona: name })),
    ...registry.errors.map((e) => ({ file: e.file, valid: false, issues: e.issues })),
  ].sort((a, b) => a.file.localeCompare(b.file));
}

function report(io: Io, results: readonly Result[]): void {
  const c = colors(io);
  const e = colors(io, io.stderr);
  if (results.length === 0) {
    println(
      io,
      c.dim(
        'No persona files found in ~/.hypertool/personas/ or .hypertool/personas/; the built-ins are always valid.',
      ),
    );
    return;
  }
  for (const r of results) {
    if (r.valid) println(io, `${c.green('✓')} ${r.file} ${c.dim(`(${r.persona})`)}`);
    else {
      eprintln(io, `${e.red('✗')} ${r.file}`);
      for (const i of r.issues ?? []) {
        eprintln(
          io,
          `  ${r.file}${i.line === undefined ? '' : `:${i.line}:${i.column ?? 1}`} ${e.bold(i.path || '(document)')}: ${i.message}`,
        );
      }
    }
  }
  const bad = results.filter((r) => !r.valid).length;
  println(
    io,
    bad === 0 ? `${results.length} valid` : `${results.length - bad} valid, ${bad} invalid`,
  );
}
