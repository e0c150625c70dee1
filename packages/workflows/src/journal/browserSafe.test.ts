import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every module `index.ts` loads at run time (type-only imports are erased by the compiler). */
function runtimeGraph(entry: string): { modules: string[]; bare: string[] } {
  const modules = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string) => {
    if (modules.has(file)) return;
    modules.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, clause, from] of text.matchAll(
      /^(?:import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gms,
    )) {
      if (clause !== undefined) continue;
      if (!from!.startsWith('.')) bare.add(from!);
      else visit(join(dirname(file), from!.replace(/\.js$/, '.ts')));
    }
  };
  visit(join(src, entry));
  return { modules: [...modules].map((m) => relative(src, m)).sort(), bare: [...bare] };
}

describe('the journal model', () => {
  it('loads no Node module and no package at run time, so a browser (the Logseq plugin) can use it', () => {
    const { modules, bare } = runtimeGraph('journal/index.ts');
    expect(bare).toEqual([]);
    for (const module of modules)
      expect(module).toMatch(/^journal\/|^runs\/(foldRun|RunState|runMetrics|runStatus)\.ts$/);
    expect(modules).toContain('journal/runJournal.ts');
  });
});
