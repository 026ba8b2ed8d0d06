import { fail, hasErrors, sepMessageOf, type CheckResult } from '../domain/checks.js';
import type { CertificateCache } from '../domain/efirma/certificate-cache.js';
import type { EfirmaCertificate } from '../domain/efirma/certificate.js';
import { checkTitulo, type RegisteredSigner, type RenapoRecord, type TituloOutcome } from '../domain/titulos/check-titulo.js';
import { folioPreviouslyRegistered, TITULO_REGISTRADO } from '../domain/titulos/sep-messages.js';
import { attr, type XmlElement } from '../intake/xml-tree.js';
import type { IntakeLimits } from '../intake/limits.js';
import { unpackUpload } from '../intake/package.js';
import { parseSafeXml } from '../intake/xml.js';

/** What one file of a lote came to: a row of SEP's results sheet plus every check behind it. */
export interface EvaluatedDocument {
  readonly position: number;
  readonly archivo: string;
  readonly folioControl: string;
  readonly estatus: 1 | 2;
  readonly descripcion: string;
  readonly checks: readonly CheckResult[];
  readonly xml: Buffer | null;
  readonly profesionista: TituloOutcome['profesionista'];
}

export interface LoteEvaluationInput {
  readonly cveInstitucion: string;
  readonly nombreArchivo: string;
  readonly archivo: Buffer;
  /** The service's date in Mexico City ('AAAA-MM-DD'). */
  readonly today: string;
}

/** Registry facts the checks need, fetched by the caller (this module does no I/O of its own). */
export interface LoteEvaluationDeps {
  readonly limits: IntakeLimits;
  readonly cadenaEscapeXml: boolean;
  readonly certificates: CertificateCache;
  readonly signersBySha256: ReadonlyMap<string, RegisteredSigner>;
  readonly authorityCertificates: ReadonlyMap<string, EfirmaCertificate>;
  /** Looks up which of these folios are registered (not cancelled) for the institution. */
  readonly registeredFolios: (folios: readonly string[]) => Promise<ReadonlySet<string>>;
  /** Emulated RENAPO lookup by CURP list; null when the RENAPO check is off. */
  readonly renapo: ((curps: readonly string[]) => Promise<ReadonlyMap<string, RenapoRecord>>) | null;
}

/**
 * Unpacks a lote and checks every file in upload order, the way SEP processes a lote: a folio that
 * registers earlier in the lote counts as registered for the files after it.
 */
export async function evaluateLote(input: LoteEvaluationInput, deps: LoteEvaluationDeps): Promise<EvaluatedDocument[]> {
  const unpacked = await unpackUpload(input.nombreArchivo, input.archivo, deps.limits);
  if (!unpacked.ok) return [packageFailure(input.nombreArchivo, unpacked.error)];

  const registeredInLote = new Set<string>();
  let registered: ReadonlySet<string> = new Set();
  let renapo: ReadonlyMap<string, RenapoRecord> | null = null;
  const context = {
    today: input.today,
    cveInstitucion: input.cveInstitucion,
    signersBySha256: deps.signersBySha256,
    authorityCertificates: deps.authorityCertificates,
    renapo: deps.renapo ? (curp: string) => renapo?.get(curp) : null,
    cadenaEscapeXml: deps.cadenaEscapeXml,
    certificates: deps.certificates,
    folioState: (folio: string) =>
      registered.has(folio) ? ('registered' as const) : registeredInLote.has(folio) ? ('registered-in-lote' as const) : ('free' as const),
  };

  // Parsed trees are much larger than their XML, so a big lote is parsed and checked a chunk at a
  // time, with the registry facts for that chunk fetched in one query each.
  const documents: EvaluatedDocument[] = [];
  for (let start = 0; start < unpacked.entries.length; start += CHUNK) {
    const entries = unpacked.entries.slice(start, start + CHUNK);
    const parsed = entries.map((entry) => ({ entry, result: parseSafeXml(entry.bytes, deps.limits.xml) }));
    const roots = parsed.flatMap((p) => (p.result.ok ? [p.result.root] : []));
    registered = await deps.registeredFolios(roots.map(folioOf).filter((f) => f !== ''));
    if (deps.renapo) renapo = await deps.renapo(roots.map(profesionistaCurpOf).filter((c) => c !== ''));

    parsed.forEach(({ entry, result }, i) => {
      const position = start + i;
      if (!result.ok) {
        documents.push(rejected(position, entry.name, '', [result.error], entry.bytes, null));
        return;
      }
      const outcome = checkTitulo(result.root, context);
      const folio = outcome.folioControl ?? '';
      if (hasErrors(outcome.checks)) {
        documents.push(rejected(position, entry.name, folio, outcome.checks, entry.bytes, outcome.profesionista));
        return;
      }
      registeredInLote.add(folio);
      documents.push({
        position,
        archivo: entry.name,
        folioControl: folio,
        estatus: 1,
        descripcion: TITULO_REGISTRADO,
        checks: outcome.checks,
        xml: entry.bytes,
        profesionista: outcome.profesionista,
      });
    });
  }
  return documents;
}

const CHUNK = 500;

/**
 * A document that passed while another lote registered the same folio in the meantime: the
 * registration that committed first wins, this one is rejected as SEP would.
 */
export function rejectAsAlreadyRegistered(document: EvaluatedDocument): EvaluatedDocument {
  const check = fail('TIT-FOLIO-REGISTRADO', `folioControl ${document.folioControl} was registered by another lote while this one was processed`, folioPreviouslyRegistered(document.folioControl), {
    node: 'TituloElectronico',
    attribute: 'folioControl',
    expected: 'a folioControl not registered for this institution',
    found: document.folioControl,
  });
  const checks = [...document.checks.filter((c) => c.code !== 'TIT-FOLIO-REGISTRADO'), check];
  return { ...document, estatus: 2, descripcion: check.sepMessage ?? '', checks };
}

function rejected(
  position: number,
  archivo: string,
  folioControl: string,
  checks: readonly CheckResult[],
  xml: Buffer | null,
  profesionista: TituloOutcome['profesionista'],
): EvaluatedDocument {
  return { position, archivo, folioControl, estatus: 2, descripcion: sepMessageOf(checks) ?? '', checks, xml, profesionista };
}

/** SEP answers a package-level failure with one row naming the uploaded file itself (spec §1.6). */
function packageFailure(nombreArchivo: string, error: CheckResult): EvaluatedDocument {
  return rejected(0, nombreArchivo, '', [error], null, null);
}

function folioOf(root: XmlElement): string {
  return attr(root, 'folioControl') ?? '';
}

function profesionistaCurpOf(root: XmlElement): string {
  const profesionista = root.children.find((c) => c.name === 'Profesionista');
  return (profesionista && attr(profesionista, 'curp')) ?? '';
}
