#!/usr/bin/env node
// The `metmec` command runs the compiled CLI (npm ci builds dist/ through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('metmec: the CLI is not built yet; run `npm run build` (npm ci does it for you)');
  process.exit(3);
}
const { main } = await import(entry.href);
await main();
