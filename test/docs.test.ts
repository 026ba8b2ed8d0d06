import { readFileSync } from 'node:fs';
import t from 'tap';
import { CHECK_CODES } from '../src/domain/check-codes.js';
import { CONFIG_VARIABLES } from '../src/config.js';
import { repoPath } from '../src/repo-path.js';

const readme = readFileSync(repoPath('README.md'), 'utf8');

/** The rows of the markdown table between `<!-- name:start -->` and `<!-- name:end -->`. */
function tableRows(name: string): string[][] {
  const match = new RegExp(`<!-- ${name}:start -->([\\s\\S]*?)<!-- ${name}:end -->`).exec(readme);
  if (!match?.[1]) throw new Error(`README has no ${name} table (regenerate with npm run docs:tables)`);
  return match[1]
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) =>
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim().replace(/^`|`$/g, '')),
    );
}

t.test('the README check-code table is the catalog, row for row', async (t) => {
  const rows = tableRows('check-codes');
  t.same(
    rows.map(([code]) => code),
    Object.keys(CHECK_CODES),
    'same codes, same order (npm run docs:tables regenerates the table)',
  );
  for (const [code, scope, title] of rows) {
    const info = CHECK_CODES[code as keyof typeof CHECK_CODES];
    t.same({ scope, title }, { scope: info?.scope, title: info?.title }, String(code));
  }
});

t.test('the README configuration table is src/config.ts', async (t) => {
  const rows = tableRows('config');
  t.same(
    rows.map(([name]) => name),
    Object.keys(CONFIG_VARIABLES),
  );
  for (const [name, defaultValue, description] of rows) {
    const spec = CONFIG_VARIABLES[name ?? ''];
    t.same({ defaultValue, description }, { defaultValue: spec?.default, description: spec?.description }, String(name));
  }
});
