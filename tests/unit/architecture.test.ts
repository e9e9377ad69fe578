/**
 * The shape of the code, checked on its import graph: no cycle anywhere, dependencies pointing
 * inward (functions → http/dialects/auth → contract → loyalty ← storage), one composition root
 * on top (shared/app.ts), one storage factory, each caller dialect one folder that only the
 * registry names, the CLI free of the request schemas, and files small enough to read in one
 * sitting.
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
    // an ES import names a module by its compiled .js file
    const base = join(dirname(file), specifier.replace(/\.js$/, ''));
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
    [
      'shared/storage/',
      ['shared/http/', 'shared/dialects/', 'shared/contract/', 'shared/auth/', 'shared/app.ts'],
    ],
    ['shared/dialects/', ['shared/http/', 'shared/storage/', 'shared/auth/', 'shared/app.ts']],
    [
      'shared/contract/',
      ['shared/http/', 'shared/dialects/', 'shared/storage/', 'shared/auth/', 'shared/app.ts'],
    ],
    // the pipeline is handed its parts: it neither builds them nor knows where data is kept
    ['shared/http/', ['shared/app.ts', 'shared/storage/']],
    [
      'shared/auth/',
      [
        'shared/http/',
        'shared/dialects/',
        'shared/storage/',
        'shared/contract/',
        'shared/loyalty/',
      ],
    ],
    [
      'shared/telemetry/',
      [
        'shared/http/',
        'shared/dialects/',
        'shared/storage/',
        'shared/contract/',
        'shared/loyalty/',
      ],
    ],
    ['shared/', ['functions/', 'scripts/', 'bench/']],
    ['functions/', ['scripts/', 'bench/', 'shared/storage/']],
  ])('keeps %s away from %j', (from, forbidden) => {
    expect(violations(from, forbidden)).toEqual([]);
  });

  it('keeps each dialect in its folder: outside shared/dialects/, the app names none of them', () => {
    // Only registry.ts lists the folders; the pipeline and functions know the interface
    // (dialect.ts, through the registry). The operator CLIs (scripts/) may know one tenant kind.
    const app = files.filter(
      (f) =>
        (f.startsWith('functions/') || f.startsWith('shared/')) &&
        !f.startsWith('shared/dialects/'),
    );
    const reaching = app.flatMap((f) =>
      (graph.get(f) ?? [])
        .filter((t) => /^shared\/dialects\/[^/]+\//.test(t))
        .map((t) => `${f} → ${t}`),
    );
    expect(reaching).toEqual([]);
  });

  it('keeps dialect names and their step names out of the pipeline and the functions', () => {
    const pipeline = files.filter(
      (f) => f.startsWith('functions/') || f.startsWith('shared/http/'),
    );
    const naming = pipeline.filter((f) => {
      const code = readFileSync(join(ROOT, f), 'utf8');
      return (
        /'(customPolicy|userFlow|entra)'/.test(code) ||
        /\bstep\s*[!=]==\s*'(PostFederationSignup|PostAttributeCollection|PreTokenIssuance)'/.test(
          code,
        )
      );
    });
    expect(naming).toEqual([]);
  });

  it('has one composition root at the top (shared/app.ts), which only the function modules import', () => {
    expect(
      files
        .filter((f) => !f.startsWith('functions/'))
        .filter((f) => (graph.get(f) ?? []).includes('shared/app.ts')),
    ).toEqual([]);
    for (const f of files.filter((f) => f.startsWith('functions/'))) {
      expect(graph.get(f), f).toContain('shared/app.ts');
    }
  });

  it('builds the storage adapters in one factory: nothing else constructs a Table adapter', () => {
    const adapters = ['tableRepository', 'tableAttemptStore', 'tableAdmin'].map(
      (name) => `shared/storage/table/${name}.ts`,
    );
    expect(
      files
        .filter((f) => !f.startsWith('shared/storage/'))
        .flatMap((f) =>
          (graph.get(f) ?? []).filter((t) => adapters.includes(t)).map((t) => `${f} → ${t}`),
        ),
    ).toEqual([]);
    // within storage/, only the factory reaches the adapters from outside table/
    expect(
      violations('shared/storage/', adapters).filter(
        (v) => !v.startsWith('shared/storage/table/') && !v.startsWith('shared/storage/factory.ts'),
      ),
    ).toEqual([]);
  });

  it('deploys no test-only adapter: the in-memory stores live under tests/', () => {
    expect(files.filter((f) => /memory/i.test(f) && f.startsWith('shared/'))).toEqual([]);
    expect(existsSync(join(ROOT, 'tests/support/memoryRepository.ts'))).toBe(true);
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
