/**
 * The shape of the code, checked on its import graph: no cycle anywhere, dependencies pointing
 * inward (functions → http/contract/auth → loyalty ← storage), the CLI free of the request
 * schemas, and files small enough to read in one sitting.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
const APP = ['functions', 'shared', 'scripts', 'bench'];

function sources(folder: string): string[] {
  const full = join(ROOT, folder);
  if (!existsSync(full)) return [];
  return readdirSync(full).flatMap((name) => {
    const path = join(full, name);
    if (statSync(path).isDirectory()) return sources(relative(ROOT, path));
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [relative(ROOT, path)] : [];
  });
}

const SPECIFIER =
  /(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?'([^']+)'|(?:require|import)\(\s*'([^']+)'\s*\)/g;

/** The app files a file imports (type-only imports included: they are dependencies too). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const specifier = match[1] ?? match[2] ?? '';
    if (!specifier.startsWith('.')) continue;
    const base = join(dirname(file), specifier);
    const target = [`${base}.ts`, join(base, 'index.ts')].find((c) => existsSync(join(ROOT, c)));
    if (target !== undefined) found.push(target);
  }
  return found;
}

const files = APP.flatMap(sources);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

/** Tarjan's strongly connected components with more than one file (or a file importing itself). */
function cycles(): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, indices.get(next) ?? 0));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member !== undefined) {
          onStack.delete(member);
          component.push(member);
        }
      } while (member !== undefined && member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component);
    }
  };
  for (const file of graph.keys()) if (!indices.has(file)) visit(file);
  return found;
}

function closure(start: string): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    queue.push(...(graph.get(file) ?? []));
  }
  return seen;
}

function violations(from: string, forbidden: readonly string[]): string[] {
  return files
    .filter((f) => f.startsWith(from))
    .flatMap((f) =>
      (graph.get(f) ?? [])
        .filter((target) => forbidden.some((prefix) => target.startsWith(prefix)))
        .map((target) => `${f} → ${target}`),
    );
}

describe('the import graph', () => {
  it('reads the app', () => {
    expect(files).toContain('shared/loyalty/rules.ts');
    expect(graph.get('functions/ValidateProfile.ts')).toContain('shared/loyalty/rules.ts');
  });

  it('has no cycle anywhere', () => {
    expect(cycles()).toEqual([]);
  });

  it('keeps the domain free of adapters: shared/loyalty imports only itself (and abort.ts)', () => {
    expect(
      files
        .filter((f) => f.startsWith('shared/loyalty/'))
        .flatMap((f) =>
          (graph.get(f) ?? [])
            .filter((t) => !t.startsWith('shared/loyalty/') && t !== 'shared/abort.ts')
            .map((t) => `${f} → ${t}`),
        ),
    ).toEqual([]);
  });

  it.each([
    ['shared/storage/', ['shared/http/', 'shared/contract/', 'shared/auth/', 'shared/runtime.ts']],
    ['shared/contract/', ['shared/http/', 'shared/storage/', 'shared/auth/', 'shared/runtime.ts']],
    ['shared/auth/', ['shared/http/', 'shared/storage/', 'shared/contract/', 'shared/loyalty/']],
    [
      'shared/telemetry/',
      ['shared/http/', 'shared/storage/', 'shared/contract/', 'shared/loyalty/'],
    ],
    ['shared/', ['functions/', 'scripts/', 'bench/']],
    ['functions/', ['scripts/', 'bench/', 'shared/storage/table', 'shared/runtime.ts']],
  ])('keeps %s away from %j', (from, forbidden) => {
    expect(violations(from, forbidden)).toEqual([]);
  });

  it('lets the loyalty CLI load a member file without compiling a request schema', () => {
    const cli = closure('scripts/loyalty.ts');
    expect(cli.has('scripts/loyalty/memberFile.ts')).toBe(true);
    // requests.ts (its validator generated) and responses.ts (Ajv, compiled at load) stay out.
    expect(
      [...cli].filter((f) => /shared\/(http\/|contract\/(requests|responses)\.ts)/.test(f)),
    ).toEqual([]);
  });
});

describe('file sizes', () => {
  it('keeps every file of the app, its tools and its tests under ~300 lines, or says why in its header', () => {
    const long = [...files, ...sources('tests')].filter((f) => {
      if (f.startsWith('bench/')) return false; // the maintainers' benchmark: bench/README.md
      const text = readFileSync(join(ROOT, f), 'utf8');
      const lines = text.split('\n').length;
      const header = text.slice(0, text.indexOf('*/') + 2);
      return lines > 320 && !/Longer than 300 lines because/i.test(header);
    });
    expect(long).toEqual([]);
  });
});
