// The service's source, transpiled once per test file into a temporary tree, so the children the
// robustness tests start, kill and restart are plain `node dist/…` processes as `npm start` runs
// them. (Through the TypeScript loader every start recompiles every module, and its evaluation
// thread does it again: 15 s a start on a loaded two-core machine instead of about one.)
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from '../../jobs/fixtures/child-process.js';

let built: { root: string; server: string } | undefined;

/**
 * Transpiles src/ (no type check: `tsc --noEmit` does that) into a temporary folder that has its own
 * package.json, with node_modules, migrations/, schemas/ and fixtures/ linked from the repository,
 * so repoRoot() and module resolution work there as in the repository. Removed at exit.
 */
export function builtService(): { root: string; server: string } {
  if (built) return built;
  const root = mkdtempSync(join(tmpdir(), 'metmec-built-'));
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'metmec-built', private: true, type: 'module' }));
  for (const linked of ['node_modules', 'migrations', 'schemas', 'fixtures']) symlinkSync(join(REPO_ROOT, linked), join(root, linked));
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    verbatimModuleSyntax: true,
    esModuleInterop: true,
    inlineSourceMap: true,
  };
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const out = join(root, relative(REPO_ROOT, path)).replace(/\.ts$/, '.js');
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, ts.transpileModule(readFileSync(path, 'utf8'), { compilerOptions: options, fileName: path }).outputText);
      }
    }
  };
  walk(join(REPO_ROOT, 'src'));
  built = { root, server: join(root, 'src', 'server.js') };
  return built;
}
