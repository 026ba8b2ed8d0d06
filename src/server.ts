import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { demoSeed } from './registry/demo.js';
import { openStore } from './store/db.js';
import { DataDirLockedError } from './store/data-dir-lock.js';
import { migrate } from './store/migrate.js';

/** config → database (migrated) → demo seed → app → listen; closes everything on SIGINT/SIGTERM. */
export async function startServer(config: Config) {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    await migrate(store.db);
    app = await buildApp({ config, store });
    if (config.seedDemo) await app.services.applySeed(demoSeed());
    if (config.adminTokenIsDefault) {
      app.log.warn('METMEC_ADMIN_TOKEN is the development default; set your own before exposing this service');
    }
    await app.listen({ port: config.port, host: config.host });
    app.log.info({ database: store.kind, location: store.location }, 'metmec ready');
    const running = app;
    const close = async () => {
      await running.close();
      await store.close();
    };
    return { app: running, close };
  } catch (error) {
    // listen() can fail after the app is ready (its worker started): stop it before the store goes.
    try {
      await app?.close();
    } finally {
      await store.close();
    }
    throw error;
  }
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`metmec: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  try {
    const server = await startServer(config);
    let closing = false;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        if (closing) return;
        closing = true;
        server.app.log.info({ signal }, 'shutting down');
        server.close().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(error);
            process.exit(1);
          },
        );
      });
    }
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(`metmec: ${error.message}`);
      process.exit(3);
    }
    throw error;
  }
}

/** True when this module is the process's entry point (also when started through a symlink). */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  await main();
}
