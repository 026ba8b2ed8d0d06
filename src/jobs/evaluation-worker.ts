/**
 * The evaluation thread of EvaluationPool: prepares a lote's files (parse + checkTitulo +
 * encodeChecks, folio taken as free) a chunk at a time. It does no I/O and keeps nothing between
 * lotes but its certificate cache.
 */
import { parentPort } from 'node:worker_threads';
import { CertificateCache } from '../domain/efirma/certificate-cache.js';
import { parseCertificate, type EfirmaCertificate } from '../domain/efirma/certificate.js';
import { DocumentPreparer, type PreparedDocument } from '../titulos/evaluate-lote.js';
import type { FromThread, LoteFacts, ToThread } from './evaluation-pool.js';

if (parentPort === null) throw new Error('evaluation-worker runs as a worker thread of EvaluationPool');
const port = parentPort;

const certificates = new CertificateCache();
const lotes = new Map<number, DocumentPreparer>();
/** Lotes whose facts could not be read (an authority certificate that no longer parses). */
const failedLotes = new Map<number, unknown>();

function preparerFor(facts: LoteFacts): DocumentPreparer {
  const authorityCertificates = new Map<string, EfirmaCertificate>();
  for (const [numero, der] of facts.authorityCertificates) authorityCertificates.set(numero, parseCertificate(der));
  return new DocumentPreparer({
    today: facts.today,
    cveInstitucion: facts.cveInstitucion,
    xmlLimits: facts.xmlLimits,
    cadenaEscapeXml: facts.cadenaEscapeXml,
    certificates,
    signersBySha256: facts.signersBySha256,
    authorityCertificates,
    renapo: facts.renapo,
  });
}

function reply(message: FromThread): void {
  port.postMessage(message);
}

port.on('message', (message: ToThread) => {
  switch (message.type) {
    case 'lote':
      try {
        lotes.set(message.lote, preparerFor(message.facts));
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
      const { job, data, ends } = message;
      try {
        const preparer = lotes.get(message.lote);
        if (preparer === undefined) throw failedLotes.get(message.lote) ?? new Error(`no facts for lote ${message.lote}`);
        const documents: PreparedDocument[] = [];
        let start = 0;
        for (const end of ends) {
          documents.push(preparer.prepare(Buffer.from(data.buffer, data.byteOffset + start, end - start)));
          start = end;
        }
        reply({ job, ok: true, documents });
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        reply({ job, ok: false, message: err.message, stack: err.stack });
      }
      return;
    }
  }
});
