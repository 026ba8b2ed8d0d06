/**
 * The two halves of a DEC's evaluation (see src/jobs/prepared-file.ts): DecPreparer runs the
 * document's own checks on any thread and seals a DEC that passed them (Dreoe and SepIpes, two RSA
 * signatures: the costly part of an authentication); DecCompleter adds the folio check on the
 * upload's thread, in upload order. A DEC whose folio fails is not authenticated and its seal is
 * dropped.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import type { CheckResult } from '../domain/checks.js';
import { checkDecDocument, checkDecFolio, type DecOptions, type DecOutcome, type RegisteredCampus } from '../domain/certificados/check-dec.js';
import { decSealText } from '../domain/certificados/sep-nodes.js';
import type { CertificateCache } from '../domain/efirma/certificate-cache.js';
import type { RegisteredPlan } from '../domain/planes/plan.js';
import type { RegisteredSigner } from '../domain/shared/signer.js';
import type { XmlLimits } from '../intake/xml.js';
import { parseSafeXml } from '../intake/xml.js';
import type { LoteFile } from '../jobs/lote-file.js';
import { FolioBook } from '../jobs/folio-book.js';
import { completeFile, preparedChecks, type CompletedFile, type PreparedFile } from '../jobs/prepared-file.js';

/** The MEC's answer for an authenticated certificate (spec mec-certificados.md §4.6). */
export const SATISFACTORIO = 'SATISFACTORIO';

/** Who seals authenticated certificates: this service's own authority key and official. */
export interface SealingAuthority {
  readonly numeroCertificado: string;
  readonly privateKey: KeyObject;
  readonly official: { readonly curp: string; readonly nombreCompleto: string; readonly idCargo: string; readonly cargo: string };
}

/** The facts every DEC of an upload is checked and sealed with, in a form that can be posted to a thread. */
export interface DecFacts {
  /** The authentication date, the service's date in Mexico City ('AAAA-MM-DD'). */
  readonly today: string;
  readonly xmlLimits: XmlLimits;
  readonly options: DecOptions;
  /** The institution's MEC id and its campuses. */
  readonly idNombreInstitucion: string;
  readonly campuses: ReadonlyMap<string, RegisteredCampus>;
  /** Current plans by `idCarrera|clavePlan`. */
  readonly plans: ReadonlyMap<string, { readonly id: number; readonly plan: RegisteredPlan }>;
  readonly signersBySha256: ReadonlyMap<string, RegisteredSigner>;
  readonly authority: SealingAuthority;
  /** Dreoe's and SepIpes's date: the authentication instant, AAAA-MM-DDThh:mm:ss in Mexico City. */
  readonly sealStamp: string;
}

export interface PreparedDec extends PreparedFile<{ readonly folioControl: string | undefined }> {
  readonly alumno: DecOutcome['alumno'];
  readonly idCampus: string | null;
  readonly idCarrera: string | null;
  /** The registered plan the DEC was checked against (null when none matched). */
  readonly planId: number | null;
  /** The seal, when the DEC's own checks all passed: Dreoe and SepIpes, to go in at the root's end tag (sealedDocument). */
  readonly sealed: { readonly folioDigital: string; readonly text: string; readonly at: number } | null;
}

/** Parse, the document's own checks (steps 1–8 of checkDec) and, when they pass, the seal. */
export class DecPreparer {
  constructor(
    private readonly facts: DecFacts,
    private readonly certificates: CertificateCache,
  ) {}

  prepare(bytes: Buffer): PreparedDec {
    const { facts } = this;
    const parsed = parseSafeXml(bytes, facts.xmlLimits);
    if (!parsed.ok) {
      return { folioControl: '', ...preparedChecks([parsed.error]), tail: null, alumno: null, idCampus: null, idCarrera: null, planId: null, sealed: null };
    }
    const outcome = checkDecDocument(parsed.root, {
      today: facts.today,
      institution: { idNombreInstitucion: facts.idNombreInstitucion, campuses: facts.campuses },
      plan: (idCarrera, clavePlan) => facts.plans.get(`${idCarrera}|${clavePlan}`)?.plan,
      certificates: this.certificates,
      signersBySha256: facts.signersBySha256,
      options: facts.options,
    });
    const checks = preparedChecks(outcome.checks);
    const clavePlan = parsed.root.children.find((c) => c.name === 'Carrera')?.attributes.find((a) => a.name === 'clavePlan')?.value ?? '';
    let sealed: PreparedDec['sealed'] = null;
    if (!checks.failed && outcome.folioInput !== null) {
      if (parsed.rootEndTag === null) throw new Error('a DEC that passed its checks has an empty root element');
      const folioDigital = randomUUID();
      const text = decSealText(parsed.root, {
        fechaDreoe: facts.sealStamp,
        fechaSepIpes: facts.sealStamp,
        folioDigital,
        official: facts.authority.official,
        authority: { numeroCertificado: facts.authority.numeroCertificado, privateKey: facts.authority.privateKey },
      });
      sealed = { folioDigital, text, at: parsed.rootEndTag };
    }
    return {
      folioControl: outcome.folioControl ?? '',
      ...checks,
      tail: outcome.folioInput,
      alumno: outcome.alumno,
      idCampus: outcome.idCampus,
      idCarrera: outcome.idCarrera,
      planId: facts.plans.get(`${outcome.idCarrera ?? ''}|${clavePlan}`)?.id ?? null,
      sealed,
    };
  }
}

/** A certificate's row as stored, with what the certificado row needs when it is authenticated. */
export interface CompletedDec extends CompletedFile {
  /** Null for the one row of an upload that failed as a whole. */
  readonly prepared: PreparedDec | null;
  /** Set when the certificate is authenticated. */
  readonly sealed: PreparedDec['sealed'];
}

/**
 * The folio check of an upload's DECs, in upload order: ask `unknownFolios` of a chunk, look them up
 * (authenticated and not cancelled), `learn` the answer, then `complete` its files in order.
 */
export class DecCompleter {
  private readonly folios = new FolioBook();

  unknownFolios(prepared: readonly PreparedDec[]): string[] {
    return this.folios.unknown(prepared.flatMap((p) => (p.tail?.folioControl ? [p.tail.folioControl] : [])));
  }

  learn(asked: readonly string[], authenticated: Iterable<string>): void {
    this.folios.learn(asked, authenticated);
  }

  complete(prepared: PreparedDec, file: LoteFile, position: number): CompletedDec {
    const registryChecks: CheckResult[] = [];
    if (prepared.tail !== null) checkDecFolio(prepared.tail.folioControl, (folio) => this.folios.state(folio), registryChecks);
    const completed = completeFile(prepared, file, position, registryChecks, SATISFACTORIO, this.folios);
    return { ...completed, prepared, sealed: completed.estatus === 1 ? prepared.sealed : null };
  }
}
