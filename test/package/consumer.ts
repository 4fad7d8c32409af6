/**
 * Helpers for checking hallpass as published: build when the build is stale, `npm pack` the repository,
 * and drive a fresh consumer project that installs the tarball from the npm registry's point of view.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment for a child npm or node: without the variables an enclosing `npm test` exports
 * (`npm_config_*` would point a nested npm at this repository) and without the test runner's marker.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(name) && name !== 'NODE_TEST_CONTEXT') env[name] = value;
  }
  return { ...env, ...extra };
}

/** Runs a command to completion; resolves its exit code and output, never rejects. */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env ?? childEnv(), timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr: error && code === null ? `${stderr}\n${error.message}` : stderr });
      },
    );
  });
}

/** Runs an npm command; throws with its output when it fails. */
export async function npm(args: string[], cwd: string): Promise<string> {
  const result = await run('npm', args, { cwd, timeoutMs: 180_000 });
  if (result.code !== 0) throw new Error(`npm ${args.join(' ')} failed (exit ${result.code}):\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((path) => statSync(join(dir, path)).isFile());
}

/** The build outputs a source file under src/ yields under dist/. */
const outputsOf = (source: string) => {
  const base = source.replace(/\.ts$/, '');
  return [`${base}.js`, `${base}.d.ts`];
};

/** The source under src/ that a dist/ file was built from. */
const sourceOf = (output: string) => `${output.replace(/(\.d\.ts|\.js\.map|\.js)$/, '')}.ts`;

/** Files under dist/ with no source under src/: left over from a deleted module, they would still be packed. */
export function orphanOutputs(paths: string[], sources: Set<string>): string[] {
  return paths.filter((path) => !sources.has(sourceOf(path)));
}

/** The source files the build compiles, relative to src/. */
export function sourceFiles(): string[] {
  return filesUnder(join(root, 'src')).filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'));
}

/** Why dist/ is not a fresh build of src/, or undefined when it is. */
export function staleBuildReason(): string | undefined {
  const sources = sourceFiles();
  const dist = join(root, 'dist');
  const outputs = sources.flatMap(outputsOf);
  const missing = outputs.find((path) => !existsSync(join(dist, path)));
  if (missing) return `dist/${missing} is missing`;
  const orphan = orphanOutputs(filesUnder(dist), new Set(sources))[0];
  if (orphan) return `dist/${orphan} has no source in src/`;
  const inputs = [...sources.map((path) => join(root, 'src', path)), join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json')];
  const newestInput = inputs.reduce((newest, path) => (statSync(path).mtimeMs > statSync(newest).mtimeMs ? path : newest));
  const oldestOutput = Math.min(...outputs.map((path) => statSync(join(dist, path)).mtimeMs));
  if (statSync(newestInput).mtimeMs > oldestOutput) return `${relative(root, newestInput)} changed after the last build`;
  return undefined;
}

/**
 * Rebuilds dist/ from scratch when it is stale (see staleBuildReason); resolves the reason, or
 * undefined when the existing build was fresh. Throws with the compiler's output when the build fails.
 * A build with type errors still emits the same JavaScript: `npm run typecheck` is what fails on those.
 */
export async function buildIfNeeded(): Promise<string | undefined> {
  const reason = staleBuildReason();
  if (!reason) return undefined;
  // From scratch: tsc never deletes the output of a removed module, and npm would pack it.
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  const result = await run('npm', ['run', 'build'], { cwd: root, timeoutMs: 300_000 });
  if (result.code !== 0) throw new Error(`npm run build failed (${reason}):\n${result.stdout}${result.stderr}`);
  return reason;
}

/** `npm pack` of the repository into `dest`: the tarball's path and the paths it holds. */
export async function packTarball(dest: string): Promise<{ file: string; paths: string[] }> {
  // The build ran (or was fresh) just before: `prepare` would only compile the same files again.
  const stdout = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dest], root);
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  if (!packed) throw new Error(`npm pack printed no package:\n${stdout}`);
  return { file: join(dest, packed.filename), paths: packed.files.map((entry) => entry.path) };
}

/** The version of a package installed in this repository, to install the same one in the consumer. */
export function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Installs packages into the consumer project, from the npm cache when it has them. */
export async function install(dir: string, specs: string[]): Promise<void> {
  await npm(['install', ...specs, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dir);
}

export type LoadResult =
  | { ok: true; resolved: string; keys: string[]; name?: string }
  | { ok: false; code: string | undefined; message: string };

/** Loads `specifier` in a fresh Node process of the consumer, with `import()` or with `require()`. */
export async function load(dir: string, specifier: string, how: 'import' | 'require'): Promise<LoadResult> {
  const spec = JSON.stringify(specifier);
  const json = specifier.endsWith('.json');
  const report = `console.log(JSON.stringify({ ok: true, resolved, keys: Object.keys(m).sort(), name: ${json ? 'value.name' : 'undefined'} }))`;
  const failure = 'catch (error) { console.log(JSON.stringify({ ok: false, code: error.code, message: error.message })); }';
  const code =
    how === 'import'
      ? `try { const resolved = import.meta.resolve(${spec}); const m = await import(${spec}${json ? ", { with: { type: 'json' } }" : ''}); const value = m.default; ${report} } ${failure}`
      : `try { const resolved = require.resolve(${spec}); const m = require(${spec}); const value = m; ${report} } ${failure}`;
  const args = how === 'import' ? ['--input-type=module', '-e', code] : ['-e', code];
  const result = await run(process.execPath, args, { cwd: dir, timeoutMs: 30_000 });
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as LoadResult;
  } catch {
    return { ok: false, code: `exit ${result.code}`, message: `${result.stdout}${result.stderr}` };
  }
}

/** Runs the tasks with at most `limit` at a time; resolves their results in order. */
export async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
