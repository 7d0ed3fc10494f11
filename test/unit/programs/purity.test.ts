// Workflow code imports src/programs/types.ts: it and what it imports at run time must stay free of Node
// built-ins and I/O (and of zod, which is only needed to validate files).
import { readFileSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '..', '..', '..', 'src');

function runtimeImports(file: string): string[] {
  const text = readFileSync(path.join(SRC, file), 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/^(import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)) {
    const clause = match[0];
    // `import { type A, type B } from` is type-only too.
    const names = /\{([^}]*)\}/.exec(clause)?.[1];
    if (names && names.split(',').every((n) => n.trim() === '' || n.trim().startsWith('type '))) continue;
    found.push(match[2] as string);
  }
  return found;
}

describe('the program types module', () => {
  it('imports at run time only pure modules of its own', () => {
    const seen = new Set<string>();
    const queue = ['programs/types.ts'];
    while (queue.length > 0) {
      const file = queue.shift() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const spec of runtimeImports(file)) {
        expect({ file, spec, relative: spec.startsWith('.') }).toEqual({ file, spec, relative: true });
        queue.push(path.relative(SRC, path.resolve(SRC, path.dirname(file), spec)) + '.ts');
      }
    }
    expect([...seen].sort()).toEqual([
      'directory/groups.ts',
      'programs/template-variables.ts',
      'programs/types.ts',
    ]);
  });
});
