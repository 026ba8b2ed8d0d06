// Rewrites the README's generated tables (check codes, configuration) from the built code.
// Run `npm run docs:tables` after adding a check code or a configuration variable.
import { readFileSync, writeFileSync } from 'node:fs';

const { CHECK_CODES } = await import('../dist/src/domain/check-codes.js');
const { CONFIG_VARIABLES } = await import('../dist/src/config.js');

const table = (header, rows) => [header, header.replace(/[^|]+/g, '---'), ...rows].join('\n');
const tables = {
  'check-codes': table('| Code | Scope | Meaning |', Object.entries(CHECK_CODES).map(([code, info]) => `| \`${code}\` | ${info.scope} | ${info.title} |`)),
  config: table('| Variable | Default | Meaning |', Object.entries(CONFIG_VARIABLES).map(([name, v]) => `| \`${name}\` | \`${v.default}\` | ${v.description} |`)),
};

const path = new URL('../README.md', import.meta.url);
let readme = readFileSync(path, 'utf8');
for (const [name, body] of Object.entries(tables)) {
  readme = readme.replace(new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(\\n<!-- ${name}:end -->)`), `$1${body}$2`);
}
writeFileSync(path, readme);
