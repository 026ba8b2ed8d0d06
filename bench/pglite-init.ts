/**
 * `node pglite-init.js <dir>`: creates and migrates an embedded PGlite data directory, then exits.
 * Run in its own process before the service starts on that directory, so PGlite's initdb (about
 * 0.9 GB of RSS for a moment) is not counted in the service's peak: a service normally reopens an
 * existing data directory (0.3 s, ~0.35 GB).
 */
import { openStore } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: pglite-init.js <data directory>');
const store = await openStore({ dataDir: dir });
try {
  await migrate(store.db);
} finally {
  await store.close();
}
