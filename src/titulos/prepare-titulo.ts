/**
 * The two halves of a título's evaluation (see src/jobs/prepared-file.ts): TituloPreparer runs the
 * document's own checks on any thread; TituloCompleter adds RENAPO and the folio on the lote's
 * thread, in upload order, and gives the row SEP's results sheet shows.
 */
import type { CheckResult } from '../domain/checks.js';
import type { CertificateCache } from '../domain/efirma/certificate-cache.js';
import { parseCertificate, type EfirmaCertificate } from '../domain/efirma/certificate.js';
import {
  checkTituloDocument,
  checkTituloRegistries,
  type RegisteredSigner,
  type RenapoRecord,
  type TituloOutcome,
  type TituloRegistryInputs,
} from '../domain/titulos/check-titulo.js';
import { TITULO_REGISTRADO } from '../domain/titulos/sep-messages.js';
import type { XmlLimits } from '../intake/xml.js';
import { parseSafeXml } from '../intake/xml.js';
import type { LoteFile } from '../jobs/lote-file.js';
import { FolioBook } from '../jobs/folio-book.js';
import { completeFile, preparedChecks, type CompletedFile, type PreparedFile } from '../jobs/prepared-file.js';

/** The facts every título of a lote is checked against, in a form that can be posted to a thread. */
export interface TituloFacts {
  /** The service's date in Mexico City ('AAAA-MM-DD'). */
  readonly today: string;
  readonly cveInstitucion: string;
  readonly xmlLimits: XmlLimits;
  readonly cadenaEscapeXml: boolean;
  readonly signersBySha256: ReadonlyMap<string, RegisteredSigner>;
  /** Authority certificates trusted for the Autenticacion node, as DER by número de certificado. */
  readonly authorityCertificates: ReadonlyMap<string, Uint8Array>;
}

export interface PreparedTitulo extends PreparedFile<TituloRegistryInputs> {
  readonly profesionista: TituloOutcome['profesionista'];
}

/** Parse and the document's own checks (steps 1–8 of checkTitulo), one file at a time. */
export class TituloPreparer {
  private readonly authorities: ReadonlyMap<string, EfirmaCertificate>;

  constructor(
    private readonly facts: TituloFacts,
    private readonly certificates: CertificateCache,
  ) {
    this.authorities = new Map([...facts.authorityCertificates].map(([numero, der]) => [numero, parseCertificate(der)]));
  }

  prepare(bytes: Buffer): PreparedTitulo {
    const parsed = parseSafeXml(bytes, this.facts.xmlLimits);
    if (!parsed.ok) return { folioControl: '', ...preparedChecks([parsed.error]), tail: null, profesionista: null };
    const outcome = checkTituloDocument(parsed.root, { ...this.facts, authorityCertificates: this.authorities, certificates: this.certificates });
    return {
      folioControl: outcome.folioControl ?? '',
      ...preparedChecks(outcome.checks),
      tail: outcome.registries,
      profesionista: outcome.profesionista,
    };
  }
}

/** A título's row as stored, with the graduate. */
export interface CompletedTitulo extends CompletedFile {
  readonly profesionista: TituloOutcome['profesionista'];
}

/** What a chunk of prepared títulos needs from the registries before it can be completed. */
export interface RegistryQuestions {
  /** folioControl values not looked up yet. */
  readonly folios: string[];
  /** Graduate CURPs not looked up yet (none when the RENAPO check is off). */
  readonly curps: string[];
}

/**
 * The registry checks (RENAPO, folio) of a lote's títulos, in upload order: ask `questions` of a
 * chunk, look them up, `learn` the answers, then `complete` its files in order.
 */
export class TituloCompleter {
  private readonly folios = new FolioBook();
  private readonly renapoAsked = new Set<string>();
  private readonly renapoRecords = new Map<string, RenapoRecord>();

  /** `renapo`: whether the RENAPO check is on. */
  constructor(private readonly renapo: boolean) {}

  questions(prepared: readonly PreparedTitulo[]): RegistryQuestions {
    const tails = prepared.flatMap((p) => (p.tail === null ? [] : [p.tail]));
    const curps = this.renapo ? [...new Set(tails.map((t) => t.profesionista.curp ?? ''))].filter((c) => c !== '' && !this.renapoAsked.has(c)) : [];
    return { folios: this.folios.unknown(tails.flatMap((t) => (t.folioControl ? [t.folioControl] : []))), curps };
  }

  learn(questions: RegistryQuestions, answers: { registeredFolios: Iterable<string>; renapo: ReadonlyMap<string, RenapoRecord> }): void {
    this.folios.learn(questions.folios, answers.registeredFolios);
    for (const curp of questions.curps) this.renapoAsked.add(curp);
    for (const [curp, record] of answers.renapo) this.renapoRecords.set(curp, record);
  }

  complete(prepared: PreparedTitulo, file: LoteFile, position: number): CompletedTitulo {
    const registryChecks: CheckResult[] = [];
    if (prepared.tail !== null) {
      checkTituloRegistries(
        prepared.tail,
        {
          renapo: this.renapo ? (curp) => this.renapoRecords.get(curp) : null,
          folioState: (folio) => this.folios.state(folio),
        },
        registryChecks,
      );
    }
    return { ...completeFile(prepared, file, position, registryChecks, TITULO_REGISTRADO, this.folios), profesionista: prepared.profesionista };
  }
}
