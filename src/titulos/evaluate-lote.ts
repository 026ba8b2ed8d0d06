import { hasErrors, sepMessageOf, type CheckResult } from '../domain/checks.js';
import type { CertificateCache } from '../domain/efirma/certificate-cache.js';
import type { EfirmaCertificate } from '../domain/efirma/certificate.js';
import { checkTitulo, type FolioState, type RegisteredSigner, type RenapoRecord, type TituloContext, type TituloOutcome } from '../domain/titulos/check-titulo.js';
import { checkFolio } from '../domain/titulos/folio.js';
import { TITULO_REGISTRADO } from '../domain/titulos/sep-messages.js';
import type { IntakeLimits } from '../intake/limits.js';
import { unpackUpload, type PackageEntry } from '../intake/package.js';
import { attr, type XmlElement } from '../intake/xml-tree.js';
import type { XmlLimits } from '../intake/xml.js';
import { parseSafeXml } from '../intake/xml.js';
import { encodeChecks } from '../store/check-codec.js';

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

/** An EvaluatedDocument with its checks already encoded for storage (encodeChecks). */
export interface EncodedDocument extends Omit<EvaluatedDocument, 'checks'> {
  readonly checks: string;
}

export function encodedDocument(d: EvaluatedDocument): EncodedDocument {
  return { ...d, checks: encodeChecks(d.checks) };
}

export type UnpackedLote =
  | { readonly ok: true; readonly entries: readonly PackageEntry[] }
  | { readonly ok: false; readonly document: EvaluatedDocument };

/** The upload as files, or the one row SEP writes for a package-level failure (naming the upload). */
export async function unpackLote(nombreArchivo: string, archivo: Buffer, limits: IntakeLimits): Promise<UnpackedLote> {
  const unpacked = await unpackUpload(nombreArchivo, archivo, limits);
  if (unpacked.ok) return { ok: true, entries: unpacked.entries };
  return { ok: false, document: rejected(0, nombreArchivo, '', [unpacked.error], null, null) };
}

/**
 * The folios (and, when RENAPO is on, the graduate CURPs) of a lote, read before any check so the
 * registry is asked once. Folios come from the root start tag alone; full trees are built only when
 * the CURPs are needed, and dropped at once (a parsed tree is many times the size of its XML).
 */
export function scanLote(entries: readonly PackageEntry[], limits: XmlLimits, withCurps: boolean): { folios: string[]; curps: string[] } {
  const folios = new Set<string>();
  const curps = new Set<string>();
  for (const entry of entries) {
    let folio = withCurps ? undefined : rootStartTagAttribute(entry.bytes, 'folioControl');
    if (folio === undefined) {
      const parsed = parseSafeXml(entry.bytes, limits);
      if (!parsed.ok) continue;
      folio = attr(parsed.root, 'folioControl');
      const curp = withCurps ? profesionistaCurpOf(parsed.root) : '';
      if (curp) curps.add(detached(curp));
    }
    if (folio) folios.add(detached(folio));
  }
  return { folios: [...folios], curps: [...curps] };
}

const ROOT_HEAD_BYTES = 16 * 1024;
const SHORT_HEAD_BYTES = 1024;
const START_TAG = /<([A-Za-z_][\w.:-]*)((?:\s+[^\s=<>/]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*\/?>/y;
const ATTRIBUTE = /([^\s=<>/]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/g;

/**
 * An attribute of the root start tag, read without building a tree; undefined when the head is not
 * plain enough to read this way (then the caller parses the document). Only a hint for prefetching:
 * the checks always read the fully parsed, validated document.
 */
export function rootStartTagAttribute(bytes: Buffer, name: string): string | undefined {
  // Most root start tags end within the first KiB. A tag read whole from a shorter head is read the
  // same from the longer one (nothing after its '>' takes part), so only a miss reads the 16 KiB.
  if (bytes.length > SHORT_HEAD_BYTES) {
    const value = startTagAttribute(bytes.subarray(0, SHORT_HEAD_BYTES).toString('utf8'), name);
    if (value !== undefined) return value;
  }
  return startTagAttribute(bytes.subarray(0, ROOT_HEAD_BYTES).toString('utf8'), name);
}

function startTagAttribute(head: string, name: string): string | undefined {
  let at = head.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (at < head.length && /\s/.test(head[at]!)) at++;
    if (head.startsWith('<?', at)) at = head.indexOf('?>', at) + 2;
    else if (head.startsWith('<!--', at)) at = head.indexOf('-->', at) + 3;
    else break;
    if (at < 2) return undefined;
  }
  START_TAG.lastIndex = at;
  const tag = START_TAG.exec(head);
  if (!tag) return undefined;
  for (const match of (tag[2] ?? '').matchAll(ATTRIBUTE)) {
    if (match[1] !== name) continue;
    const value = match[2] ?? match[3] ?? '';
    return value.includes('&') ? undefined : value;
  }
  return undefined;
}

/**
 * A copy that does not pin its document: V8 keeps a substring as a view into its parent, so a folio
 * kept for the whole lote would otherwise keep every document's text alive.
 */
function detached(value: string): string {
  return Buffer.from(value, 'utf8').toString('utf8');
}

/** Registry facts the checks need, fetched by the caller (this module does no I/O of its own). */
export interface LoteEvaluationContext {
  /** The service's date in Mexico City ('AAAA-MM-DD'). */
  readonly today: string;
  readonly cveInstitucion: string;
  readonly xmlLimits: XmlLimits;
  readonly cadenaEscapeXml: boolean;
  readonly certificates: CertificateCache;
  readonly signersBySha256: ReadonlyMap<string, RegisteredSigner>;
  readonly authorityCertificates: ReadonlyMap<string, EfirmaCertificate>;
  /** Folios of this lote already registered (not cancelled) for the institution. */
  readonly registeredFolios: ReadonlySet<string>;
  /** Emulated RENAPO records of this lote's graduates; null when the RENAPO check is off. */
  readonly renapo: ReadonlyMap<string, RenapoRecord> | null;
}

/**
 * Checks a lote's files in upload order, the way SEP processes a lote: a folio that registers
 * earlier in the lote counts as registered for the files after it. Feed it the entries a chunk at a
 * time (positions continue across chunks) so only one chunk of parsed trees lives at once.
 */
export class LoteEvaluator {
  private readonly registeredInLote = new Set<string>();
  private readonly context: TituloContext;

  constructor(private readonly lote: LoteEvaluationContext) {
    const { registeredFolios, renapo } = lote;
    this.context = {
      today: lote.today,
      cveInstitucion: lote.cveInstitucion,
      signersBySha256: lote.signersBySha256,
      authorityCertificates: lote.authorityCertificates,
      renapo: renapo ? (curp) => renapo.get(curp) : null,
      cadenaEscapeXml: lote.cadenaEscapeXml,
      certificates: lote.certificates,
      folioState: (folio) => (registeredFolios.has(folio) ? 'registered' : this.registeredInLote.has(folio) ? 'registered-in-lote' : 'free'),
    };
  }

  evaluate(entries: readonly PackageEntry[], firstPosition: number): EvaluatedDocument[] {
    return entries.map((entry, i) => this.evaluateOne(entry, firstPosition + i));
  }

  private evaluateOne(entry: PackageEntry, position: number): EvaluatedDocument {
    const parsed = parseSafeXml(entry.bytes, this.lote.xmlLimits);
    if (!parsed.ok) return rejected(position, entry.name, '', [parsed.error], entry.bytes, null);
    const outcome = checkTitulo(parsed.root, this.context);
    const folio = outcome.folioControl ?? '';
    if (hasErrors(outcome.checks)) return rejected(position, entry.name, folio, outcome.checks, entry.bytes, outcome.profesionista);
    this.registeredInLote.add(detached(folio));
    return {
      position,
      archivo: entry.name,
      folioControl: folio,
      estatus: 1,
      descripcion: TITULO_REGISTRADO,
      checks: outcome.checks,
      xml: entry.bytes,
      profesionista: outcome.profesionista,
    };
  }
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

function profesionistaCurpOf(root: XmlElement): string {
  const profesionista = root.children.find((c) => c.name === 'Profesionista');
  return (profesionista && attr(profesionista, 'curp')) ?? '';
}

// ------------------------------------------------------------------------------------------------
// The same evaluation in two halves, so the costly half can run on another thread:
//
//   1. DocumentPreparer (any thread, no lote state): parse + checkTitulo + encodeChecks of ONE file,
//      with its folio taken as free. It records which folioControl the folio checks asked about.
//   2. FolioSequencer (the lote's thread, in upload order): decides each asked folio's real state
//      exactly as LoteEvaluator's folioState does (registered before the lote, else registered
//      earlier in this lote, else free) and, when it is not free, replaces the two folio checks —
//      always the last two, checkFolio runs last — with what checkFolio says for that state.
//
// The result is the EvaluatedDocument LoteEvaluator would have produced, with its checks encoded.

/** One file checked with its folio taken as free; what FolioSequencer needs to finish it. */
export interface PreparedDocument {
  /** folioControl as written on the root ('' when absent). */
  readonly folioControl: string;
  /** The folioControl the folio checks asked about; null when the checks stopped before them. */
  readonly folioAsked: string | null;
  readonly estatus: 1 | 2;
  readonly descripcion: string;
  /** encodeChecks of every check, the two folio checks saying "free". */
  readonly checks: string;
  /** Where, in `checks`, the encoding of the two folio checks begins (after '[' or ','). */
  readonly folioChecksAt: number;
  readonly profesionista: TituloOutcome['profesionista'];
}

/** LoteEvaluationContext without the folio facts, which only the sequencer uses. */
export type PreparationContext = Omit<LoteEvaluationContext, 'registeredFolios'>;

const FOLIO_CODES = ['TIT-FOLIO-REGISTRADO', 'TIT-FOLIO-LOTE'] as const;

/** The lote-independent half of LoteEvaluator: one file at a time, in any order, on any thread. */
export class DocumentPreparer {
  private readonly context: TituloContext;
  private asked: string | null = null;

  constructor(private readonly lote: PreparationContext) {
    const { renapo } = lote;
    this.context = {
      today: lote.today,
      cveInstitucion: lote.cveInstitucion,
      signersBySha256: lote.signersBySha256,
      authorityCertificates: lote.authorityCertificates,
      renapo: renapo ? (curp) => renapo.get(curp) : null,
      cadenaEscapeXml: lote.cadenaEscapeXml,
      certificates: lote.certificates,
      folioState: (folio) => {
        this.asked = folio;
        return 'free';
      },
    };
  }

  prepare(bytes: Buffer): PreparedDocument {
    const parsed = parseSafeXml(bytes, this.lote.xmlLimits);
    if (!parsed.ok) {
      const checks = [parsed.error];
      return { folioControl: '', folioAsked: null, estatus: 2, descripcion: sepMessageOf(checks) ?? '', checks: encodeChecks(checks), folioChecksAt: 0, profesionista: null };
    }
    this.asked = null;
    const outcome = checkTitulo(parsed.root, this.context);
    const asked = this.asked as string | null;
    const checks = encodeChecks(outcome.checks);
    let folioChecksAt = 0;
    if (asked !== null) {
      const pair = outcome.checks.slice(-2);
      if (pair.length !== 2 || pair[0]!.code !== FOLIO_CODES[0] || pair[1]!.code !== FOLIO_CODES[1]) {
        throw new Error('checkTitulo no longer ends with the two folio checks; FolioSequencer cannot finish its documents');
      }
      // JSON of an array is '[' + elements joined by ',' + ']': the pair's elements end the text.
      folioChecksAt = checks.length - (encodeChecks(pair).length - 1);
    }
    const failed = hasErrors(outcome.checks);
    return {
      folioControl: outcome.folioControl ?? '',
      folioAsked: asked,
      estatus: failed ? 2 : 1,
      descripcion: failed ? (sepMessageOf(outcome.checks) ?? '') : TITULO_REGISTRADO,
      checks,
      folioChecksAt,
      profesionista: outcome.profesionista,
    };
  }
}

/**
 * The lote-sequential half of LoteEvaluator: feed it every prepared file in upload order. A folio
 * that registered earlier in the lote makes a later copy TIT-FOLIO-LOTE, as SEP does.
 */
export class FolioSequencer {
  private readonly registeredInLote = new Set<string>();
  private readonly looked = new Set<string>();
  private readonly registeredBefore = new Set<string>();

  /** Records which of `looked` (folios asked of the registry) are registered before this lote. */
  learn(looked: Iterable<string>, registered: Iterable<string>): void {
    for (const folio of looked) this.looked.add(folio);
    for (const folio of registered) this.registeredBefore.add(folio);
  }

  /**
   * Asked folios the registry was not asked about yet, and that did not register in this lote (the
   * registry would now see this lote's own rows). Normally none: the pre-scan finds them all.
   */
  unknownFolios(documents: readonly PreparedDocument[]): string[] {
    const unknown = new Set<string>();
    for (const d of documents) {
      const folio = d.folioAsked;
      if (folio !== null && !this.looked.has(folio) && !this.registeredInLote.has(folio)) unknown.add(folio);
    }
    return [...unknown];
  }

  /** Finishes prepared files in upload order: `entries[i]` is the file of `documents[i]`. */
  complete(documents: readonly PreparedDocument[], entries: readonly PackageEntry[], firstPosition: number): EncodedDocument[] {
    return documents.map((d, i) => this.completeOne(d, entries[i]!, firstPosition + i));
  }

  private state(folio: string): FolioState {
    return this.registeredBefore.has(folio) ? 'registered' : this.registeredInLote.has(folio) ? 'registered-in-lote' : 'free';
  }

  private completeOne(d: PreparedDocument, entry: PackageEntry, position: number): EncodedDocument {
    let { estatus, descripcion, checks } = d;
    const state = d.folioAsked === null ? 'free' : this.state(d.folioAsked);
    if (state !== 'free') {
      const pair: CheckResult[] = [];
      checkFolio(d.folioAsked ?? '', () => state, pair);
      checks = checks.slice(0, d.folioChecksAt) + encodeChecks(pair).slice(1);
      if (estatus === 1) descripcion = sepMessageOf(pair) ?? '';
      estatus = 2;
    }
    if (estatus === 1) this.registeredInLote.add(detached(d.folioControl));
    return { position, archivo: entry.name, folioControl: d.folioControl, estatus, descripcion, checks, xml: entry.bytes, profesionista: d.profesionista };
  }
}
