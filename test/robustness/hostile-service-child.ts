/**
 * The real service alone in a process, for the hostile-input suite's largest attacks: buildApp with
 * its worker, listening on 127.0.0.1 port 0, configured from the environment as src/server.ts is
 * (the parent sets an in-memory PGlite). HOSTILE_SEED = `{ cveInstitucion, usuario, password }` is
 * seeded as a QA web-service user.
 *
 * stdout: `listening <url>` once ready. stdin, one command a line: `memory <id>` →
 * `memory <id> {"rssMb","maxRssMb","sampledPeakMb"}` (the sampled peak is reset by each call);
 * end of stdin → close and exit.
 */
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';

const MB = 1024 * 1024;

async function main(): Promise<void> {
  const seed = JSON.parse(process.env['HOSTILE_SEED'] ?? 'null') as { cveInstitucion: string; usuario: string; password: string } | null;
  if (!seed) throw new Error('HOSTILE_SEED is not set');

  let sampledPeak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
  }, 5);
  sampler.unref();

  const config = loadConfig(process.env);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrate(store.db);
  const app = await buildApp({ config, store, logger: { level: config.logLevel } });
  await app.services.registry.applySeed({
    institutions: [
      {
        cveInstitucion: seed.cveInstitucion,
        nombre: 'UNIVERSIDAD DE PRUEBAS METMEC',
        users: [{ usuario: seed.usuario, password: seed.password, environment: 'qa' }],
      },
    ],
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });

  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    input += chunk;
    let nl: number;
    while ((nl = input.indexOf('\n')) !== -1) {
      const [command, id] = input.slice(0, nl).split(' ');
      input = input.slice(nl + 1);
      if (command === 'memory') {
        const rssMb = process.memoryUsage.rss() / MB;
        const figures = { rssMb, maxRssMb: process.resourceUsage().maxRSS / 1024, sampledPeakMb: Math.max(sampledPeak / MB, rssMb) };
        sampledPeak = process.memoryUsage.rss();
        process.stdout.write(`memory ${id} ${JSON.stringify(figures)}\n`);
      }
    }
  });
  process.stdin.once('end', () => {
    void (async () => {
      await app.close();
      await store.close();
      process.exit(0);
    })();
  });
  process.stdout.write(`listening ${url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`hostile-service-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
