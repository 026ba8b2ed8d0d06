/**
 * The evaluation thread of EvaluationPool: prepares a lote's files (inflate, parse, the document's
 * own checks, the seal of a certificate that passed them) a chunk at a time. It does no I/O and
 * keeps nothing between lotes but its certificate cache.
 */
import { parentPort } from 'node:worker_threads';
import { CertificateCache } from '../domain/efirma/certificate-cache.js';
import type { IntakeLimits } from '../intake/limits.js';
import type { FromThread, ToThread } from './evaluation-pool.js';
import { prepareFile, preparerFor, type Prepared } from './file-preparation.js';
import type { UnreadableFile } from './prepared-file.js';

if (parentPort === null) throw new Error('evaluation-worker runs as a worker thread of EvaluationPool');
const port = parentPort;

const certificates = new CertificateCache();
const lotes = new Map<number, { preparer: ReturnType<typeof preparerFor>; limits: IntakeLimits }>();
/** Lotes whose facts could not be read (an authority certificate that no longer parses). */
const failedLotes = new Map<number, unknown>();

function reply(message: FromThread): void {
  port.postMessage(message);
}

port.on('message', (message: ToThread) => {
  switch (message.type) {
    case 'lote':
      try {
        lotes.set(message.lote, { preparer: preparerFor(message.facts, certificates), limits: message.limits });
      } catch (error) {
        // Reported on the lote's first chunk.
        lotes.delete(message.lote);
        failedLotes.set(message.lote, error);
      }
      return;
    case 'forget':
      lotes.delete(message.lote);
      failedLotes.delete(message.lote);
      return;
    case 'chunk': {
      const { job, data, files } = message;
      try {
        const lote = lotes.get(message.lote);
        if (lote === undefined) throw failedLotes.get(message.lote) ?? new Error(`no facts for lote ${message.lote}`);
        const prepared: Array<Prepared | UnreadableFile> = [];
        let start = 0;
        for (const file of files) {
          const bytes = Buffer.from(data.buffer, data.byteOffset + start, file.end - start);
          prepared.push(prepareFile({ name: file.name, bytes, zip: file.zip }, lote.preparer, lote.limits));
          start = file.end;
        }
        reply({ job, ok: true, prepared });
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        reply({ job, ok: false, message: err.message, stack: err.stack });
      }
      return;
    }
  }
});
