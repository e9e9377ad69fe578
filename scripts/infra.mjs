#!/usr/bin/env node
/**
 * `npm run infra -- build | lint | check`: the real Bicep compiler over infra/main.bicep.
 *
 * The Bicep CLI comes from NuGet (package Azure.Bicep.CommandLine.<rid>, version BICEP_VERSION
 * below, pinned), restored through `dotnet` into .tools/bicep/<version>/ (ignored by git) once;
 * later runs reuse it. `build` writes the ARM JSON to .artifacts/infra/main.json (the tests read
 * it), `lint` runs the linter, `check` does both. Any error or warning fails: a warning that
 * must stay is suppressed on its line in the .bicep file with `#disable-next-line <code>` and a
 * comment saying why. Without `dotnet` (a user's machine) it prints one line saying the check
 * is skipped and how to run it with the Azure CLI, and exits 0.
 * Plain JavaScript: it runs before anything is built. The GitHub workflow runs it too.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

export const BICEP_VERSION = '0.49.2';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join('infra', 'main.bicep');
export const COMPILED = join(root, '.artifacts', 'infra', 'main.json');

/** NuGet's runtime identifier of this machine, the suffix of the package's name. */
function runtimeId() {
  const os = { linux: 'linux', darwin: 'osx', win32: 'win' }[process.platform];
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
  return os && arch ? `${os}-${arch}` : undefined;
}

/** The SDK's major version (10 for 10.0.401), or undefined without a working dotnet. */
function dotnetMajor() {
  const run = spawnSync('dotnet', ['--version'], { encoding: 'utf8' });
  const major = run.status === 0 ? /^(\d+)\./.exec(run.stdout.trim())?.[1] : undefined;
  return major === undefined ? undefined : Number(major);
}

/** The bicep binary of the pinned version, restored from NuGet when it is not there yet. */
function restoreBicep(rid, major) {
  const id = `Azure.Bicep.CommandLine.${rid}`;
  const folder = join(root, '.tools', 'bicep', BICEP_VERSION);
  const packages = join(folder, 'packages');
  const tools = join(packages, id.toLowerCase(), BICEP_VERSION, 'tools');
  const binary = join(tools, rid.startsWith('win') ? 'bicep.exe' : 'bicep');
  if (existsSync(binary)) return binary;
  mkdirSync(folder, { recursive: true });
  // A project that only downloads the package (PackageDownload needs an exact [version]); the
  // SDK's own target framework, so that nothing else is downloaded.
  const project = join(folder, 'restore.csproj');
  writeFileSync(
    project,
    [
      '<Project Sdk="Microsoft.NET.Sdk">',
      `  <PropertyGroup><TargetFramework>net${major}.0</TargetFramework></PropertyGroup>`,
      `  <ItemGroup><PackageDownload Include="${id}" Version="[${BICEP_VERSION}]" /></ItemGroup>`,
      '</Project>',
      '',
    ].join('\n'),
  );
  process.stderr.write(
    `Restoring ${id} ${BICEP_VERSION} from NuGet into ${relative(root, folder)}\n`,
  );
  const restore = spawnSync('dotnet', ['restore', project, '--packages', packages], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DOTNET_NOLOGO: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
  });
  if (restore.status !== 0 || !existsSync(binary)) {
    throw new Error(`dotnet restore of ${id} ${BICEP_VERSION} failed (exit ${restore.status})`);
  }
  if (!rid.startsWith('win')) chmodSync(binary, 0o755);
  return binary;
}

/** Runs bicep; its diagnostics ("file(line,col) : Warning|Error code: text") go to stderr. */
function runBicep(binary, args) {
  const run = spawnSync(binary, args, { cwd: root, encoding: 'utf8' });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
  process.stdout.write(output);
  const diagnostics = output.split('\n').filter((line) => / : (Warning|Error) /.test(line));
  return { ok: run.status === 0 && diagnostics.length === 0, diagnostics };
}

export function main(argv) {
  const command = argv[0] ?? 'check';
  if (!['build', 'lint', 'check', 'version'].includes(command)) {
    process.stderr.write('Usage: npm run infra -- build | lint | check | version\n');
    return 2;
  }
  const rid = runtimeId();
  const major = dotnetMajor();
  if (major === undefined || rid === undefined) {
    process.stdout.write(
      `infra ${command} skipped: no dotnet here to restore the Bicep CLI ${BICEP_VERSION}; ` +
        'run `az bicep build --file infra/main.bicep` and `az bicep lint --file infra/main.bicep`.\n',
    );
    return 0;
  }
  const bicep = restoreBicep(rid, major);
  if (command === 'version') return runBicep(bicep, ['--version']).ok ? 0 : 1;
  let failed = 0;
  if (command === 'build' || command === 'check') {
    mkdirSync(dirname(COMPILED), { recursive: true });
    const build = runBicep(bicep, ['build', MAIN, '--outfile', COMPILED]);
    process.stdout.write(
      build.ok
        ? `bicep ${BICEP_VERSION} build: ${MAIN} -> ${relative(root, COMPILED)}, no warning\n`
        : `bicep ${BICEP_VERSION} build: ${build.diagnostics.length} diagnostic(s) (above)\n`,
    );
    if (!build.ok) failed += 1;
  }
  if (command === 'lint' || command === 'check') {
    const lint = runBicep(bicep, ['lint', MAIN]);
    process.stdout.write(
      lint.ok
        ? `bicep ${BICEP_VERSION} lint: ${MAIN}, no warning\n`
        : `bicep ${BICEP_VERSION} lint: ${lint.diagnostics.length} diagnostic(s) (above)\n`,
    );
    if (!lint.ok) failed += 1;
  }
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
