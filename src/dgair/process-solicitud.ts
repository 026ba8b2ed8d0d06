import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Authority } from '../authority/authority.js';
import type { Clock } from '../clock.js';
import { mexicoCityDateTimeText } from '../domain/dates.js';
import { authenticateTitulo } from '../domain/titulos/authenticate-titulo.js';
import { documentRefusal, refusal, type DgairRefusal } from '../domain/titulos/dgair-eligibility.js';
import type { XmlLimits } from '../intake/xml.js';
import { writeXml } from '../intake/xml-writer.js';
import { parseSafeXml } from '../intake/xml.js';
import { insertAutenticacion, lockDueSolicitud, markSolicitudProcessed, pendingItems, setOutcome } from '../store/repositories/dgair.js';
import type { Database } from '../store/schema.js';

export interface ProcessSolicitudDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  /** This service's authority: its key seals selloAutenticacion, its number is noCertificadoAutoridad. */
  readonly authority: Pick<Authority, 'numeroCertificado' | 'privateKey'>;
  readonly xmlLimits: XmlLimits;
}

type Item = Awaited<ReturnType<typeof pendingItems>>[number];
type Outcome = Parameters<typeof setOutcome>[3];

/**
 * Authenticates the títulos of a solicitud that is active and not processed yet, in one transaction
 * holding the solicitud's row lock, so that however many readers arrive at once it happens exactly
 * once. Returns false when there was nothing to do (not active yet, or already processed).
 *
 * Processing runs when the solicitud is first read after activation, but its outcome is that of
 * the activation instant: fechaAutenticacion is the activation time (Mexico City), and only a
 * cancellation made before it rejects a título. So when someone looks never changes what they get.
 */
export async function processSolicitud(solicitudId: number, deps: ProcessSolicitudDeps): Promise<boolean> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const solicitud = await lockDueSolicitud(trx, solicitudId, now);
    if (!solicitud?.active_from) return false;
    const activeFrom = solicitud.active_from;
    const fechaAutenticacion = mexicoCityDateTimeText(activeFrom);
    for (const item of await pendingItems(trx, solicitud.id)) {
      const outcome = await outcomeOf(trx, item, { activeFrom, fechaAutenticacion, now }, deps);
      await setOutcome(trx, solicitud.id, item.position, outcome);
    }
    await markSolicitudProcessed(trx, solicitud.id, now);
    return true;
  });
}

async function outcomeOf(
  trx: Transaction<Database>,
  item: Item,
  at: { activeFrom: Date; fechaAutenticacion: string; now: Date },
  deps: ProcessSolicitudDeps,
): Promise<Outcome> {
  // Idempotent: a título another solicitud got authenticated meanwhile keeps that one authentication.
  if (item.autenticacion_id !== null) return { kind: 'autenticado', autenticacionId: item.autenticacion_id };
  if (item.cancelled_at !== null && item.cancelled_at.getTime() <= at.activeFrom.getTime()) return rejected(refusal('DGAIR-CANCELLED'));
  const parsed = item.xml === null ? null : parseSafeXml(item.xml, deps.xmlLimits);
  if (!parsed?.ok) return rejected(refusal('DGAIR-UNREADABLE'));
  const problem = documentRefusal(parsed.root);
  if (problem) return rejected(problem);

  const folioDigital = randomUUID(); // lowercase, as the standard's example (§2.8)
  const authenticated = authenticateTitulo(parsed.root, { folioDigital, fechaAutenticacion: at.fechaAutenticacion, authority: deps.authority });
  const autenticacionId = await insertAutenticacion(trx, {
    tituloId: item.titulo_id,
    folioDigital,
    fechaAutenticacion: at.fechaAutenticacion,
    noCertificadoAutoridad: deps.authority.numeroCertificado,
    xml: Buffer.from(writeXml(authenticated), 'utf8'),
    authenticatedAt: at.now,
  });
  return { kind: 'autenticado', autenticacionId };
}

function rejected(r: DgairRefusal): Outcome {
  return { kind: 'rechazado', code: r.code, reason: r.found === undefined ? r.message : `${r.message}: ${r.found}` };
}
