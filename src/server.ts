import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { demoSeed } from './registry/demo.js';
import { openStore } from './store/db.js';
import { DataDirLockedError } from './store/data-dir-lock.js';
import { migrate } from './store/migrate.js';

/** config → database (migrated) → demo seed → app → listen; closes everything on SIGINT/SIGTERM. */
export async function startServer(config: Config) {
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(store.db);
    const app = await buildApp({ config, store });
    if (config.seedDemo) await app.services.registry.applySeed(demoSeed());
    if (config.adminTokenIsDefault) {
      app.log.warn('METMEC_ADMIN_TOKEN is the development default; set your own before exposing this service');
    }
    await app.listen({ port: config.port, host: config.host });
    app.log.info({ database: store.kind, location: store.location }, 'metmec ready');
    const close = async () => {
      await app.close();
      await store.close();
    };
    return { app, close };
  } catch (error) {
    await store.close();
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

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await main();
}
