/**
 * Compiles hallpass's sources and the benchmark servers to plain JavaScript with TypeScript's own
 * emitter, so the servers run the code as it ships (tsx adds a `__name` call to every closure it
 * creates, which costs the library microseconds per request that its users never pay). The
 * `hallpass/*` imports are rewritten to the compiled files. Output goes under bench/.build (one
 * directory per run, never shared with another checkout's node_modules), where the
 * servers still resolve the frameworks from the repository's node_modules.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BENCH = join(ROOT, 'bench');
// One directory per run, so runs at the same time (a count beside a timed run) do not remove each other's build.
export const BUILD_DIR = join(BENCH, '.build', `hallpass-bench-${process.pid}`);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** `hallpass/node` → `src/adapters/node/index.ts`, from bench/tsconfig.json's `paths` (relative to bench/). */
function pathMap(): Map<string, string> {
  const config = ts.readConfigFile(join(BENCH, 'tsconfig.json'), ts.sys.readFile).config as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  return new Map(Object.entries(config.compilerOptions.paths).map(([name, [target]]) => [name, join(BENCH, target as string)]));
}

/** Builds into BUILD_DIR; returns the compiled server entry. */
export function buildServers(): string {
  rmSync(BUILD_DIR, { recursive: true, force: true });
  const paths = pathMap();
  const files = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'bench', 'http', 'servers'))];
  const outOf = (file: string) => join(BUILD_DIR, relative(ROOT, file)).replace(/\.ts$/, '.js');
  for (const file of files) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, isolatedModules: true, esModuleInterop: true },
    });
    const out = outOf(file);
    const code = outputText.replace(
      /(from\s+|import\()(['"])(hallpass(?:\/[a-z-]+)?)\2/g,
      (match, lead: string, quote: string, name: string) => {
        const target = paths.get(name);
        if (!target) return match;
        let path = relative(dirname(out), outOf(target));
        if (!path.startsWith('.')) path = `./${path}`;
        return `${lead}${quote}${path}${quote}`;
      },
    );
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, code);
  }
  // The compiled files are ES modules.
  writeFileSync(join(BUILD_DIR, 'package.json'), '{ "type": "module" }\n');
  return outOf(join(ROOT, 'bench', 'http', 'servers', 'main.ts'));
}

export function removeBuild(): void {
  rmSync(BUILD_DIR, { recursive: true, force: true });
}
