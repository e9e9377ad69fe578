/**
 * `npm run package`: the deployable app, as a Function App runs it from a package
 * (WEBSITE_RUN_FROM_PACKAGE, `func azure functionapp publish --no-build`, azd):
 *   .artifacts/app/                 host.json, package.json, the compiled functions and what they
 *                                   import, production dependencies only
 *   .artifacts/b2c-claims-api.zip   the same folder, zipped
 * (`-- --out DIR` writes DIR/app/ and DIR/b2c-claims-api.zip instead.)
 * Nothing else: no tests, bench, sources, maps, local host, CLIs or their packages. The compiled
 * files are those reachable from dist/functions/*.js; the dependencies are the production tree of
 * package-lock.json as installed (npm ls --omit=dev), without type declarations, maps and docs.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ZipFile } from 'yazl';

const ROOT = resolve(__dirname, '..', '..');
export const ZIP_NAME = 'b2c-claims-api.zip';

/** Files a running app never reads: types, maps, sources, docs. */
const NOT_RUN = /(\.d\.[cm]?ts|\.map|\.tsbuildinfo|\.md|\.markdown)$|(?<!\.d)\.[cm]?ts$/i;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/**
 * dist/functions/*.js and every compiled file they require, transitively: `require("./…")`, and
 * `require.resolve("./…")`, how a module names a file it runs elsewhere (the telemetry thread).
 */
function compiledFiles(): string[] {
  const dist = join(ROOT, 'dist');
  const start = readdirSync(join(dist, 'functions'))
    .filter((name) => name.endsWith('.js'))
    .map((name) => join(dist, 'functions', name));
  const seen = new Set<string>();
  const queue = [...start];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/require(?:\.resolve)?\((["'])(\.{1,2}\/[^"']+)\1\)/g)) {
      const target = resolve(dirname(file), match[2] as string);
      const candidate = [target, `${target}.js`, join(target, 'index.js')].find(
        (c) => existsSync(c) && statSync(c).isFile(),
      );
      if (candidate === undefined) throw new Error(`${relative(ROOT, file)} requires ${match[2]}`);
      queue.push(candidate);
    }
  }
  return [...seen].sort();
}

/** The installed folders of the production dependency tree. */
function productionPackages(): string[] {
  const listed = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return [...new Set(listed.split('\n').filter((line) => line.includes(`node_modules`)))].sort();
}

function copyInto(source: string, target: string): void {
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
}

function copyPackage(folder: string, app: string): number {
  let copied = 0;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== 'node_modules') walk(path); // nested packages are listed on their own
      } else if (!NOT_RUN.test(name) || name === 'package.json') {
        copyInto(path, join(app, relative(ROOT, path)));
        copied += 1;
      }
    }
  };
  walk(folder);
  return copied;
}

function deployablePackageJson(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const keep = [
    'name',
    'version',
    'private',
    'description',
    'main',
    'engines',
    'dependencies',
    'overrides',
  ];
  return `${JSON.stringify(Object.fromEntries(keep.map((k) => [k, pkg[k]])), null, 2)}\n`;
}

function zip(folder: string, target: string): Promise<void> {
  const archive = new ZipFile();
  for (const file of files(folder).sort()) {
    archive.addFile(file, relative(folder, file).split('\\').join('/'), {
      mtime: new Date('2026-01-01T00:00:00Z'), // the same content, the same zip
      mode: 0o100644,
    });
  }
  archive.end();
  return new Promise((resolveZip, reject) => {
    archive.outputStream
      .pipe(createWriteStream(target))
      .on('close', () => resolveZip())
      .on('error', reject);
  });
}

/** Writes `<out>/app/` and `<out>/b2c-claims-api.zip` (out: .artifacts/ by default). */
export async function packageApp(
  log: (line: string) => void,
  out: string = join(ROOT, '.artifacts'),
): Promise<{ folder: string; zip: string; files: number; bytes: number }> {
  const app = join(out, 'app');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(app, { recursive: true });
  copyInto(join(ROOT, 'host.json'), join(app, 'host.json'));
  writeFileSync(join(app, 'package.json'), deployablePackageJson());
  const compiled = compiledFiles();
  for (const file of compiled) copyInto(file, join(app, relative(ROOT, file)));
  let dependencyFiles = 0;
  const packages = productionPackages();
  for (const folder of packages) dependencyFiles += copyPackage(folder, app);
  const zipPath = join(out, ZIP_NAME);
  await zip(app, zipPath);
  const count = 2 + compiled.length + dependencyFiles;
  const bytes = statSync(zipPath).size;
  log(
    `Packaged ${compiled.length} compiled files and ${packages.length} production packages ` +
      `(${count} files) into ${relative(process.cwd(), app)}/ and ` +
      `${relative(process.cwd(), zipPath)} (${(bytes / 1024 / 1024).toFixed(1)} MB).`,
  );
  return { folder: app, zip: zipPath, files: count, bytes };
}

if (require.main === module) {
  // --out DIR: another folder than .artifacts/ (the tests use one of their own).
  const at = process.argv.indexOf('--out');
  const out = at > 0 ? process.argv[at + 1] : undefined;
  packageApp((line) => console.log(line), out === undefined ? undefined : resolve(out)).catch(
    (error: unknown) => {
      console.error(`Failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
