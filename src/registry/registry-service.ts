import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import { CertificateParseError, parseCertificate } from '../domain/efirma/certificate.js';
import {
  findInstitution,
  setSignerStatus,
  upsertAuthorityCertificate,
  upsertInstitution,
  upsertRenapoPerson,
  upsertSigner,
  upsertWsUser,
} from '../store/repositories/registry.js';
import type { Database, EnvironmentColumn, SignerRow } from '../store/schema.js';
import type { Authenticator } from './authenticator.js';
import { hashPassword } from './passwords.js';

/** A registry request that cannot be honoured, with what was expected and what was found. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(
    readonly code: 'NOT_FOUND' | 'INVALID',
    message: string,
    readonly detail: { expected?: string; found?: string; field?: string } = {},
  ) {
    super(message);
  }
}

export interface SignerInput {
  readonly der: Uint8Array;
  readonly idCargo?: number | undefined;
  readonly cargo?: string | undefined;
  readonly status?: 'active' | 'revoked' | undefined;
}

export interface UserInput {
  readonly usuario: string;
  readonly password: string;
  readonly environment: EnvironmentColumn;
  readonly active?: boolean | undefined;
}

export interface SeedDocument {
  readonly institutions?: ReadonlyArray<{
    readonly cveInstitucion: string;
    readonly nombre: string;
    readonly users?: readonly UserInput[];
    readonly signers?: readonly SignerInput[];
    /** MEC registration, applied by the MEC registry inside the same transaction. */
    readonly mec?: MecSeed;
  }>;
  readonly authorityCertificates?: ReadonlyArray<{ readonly der: Uint8Array; readonly nombre?: string }>;
  readonly renapo?: ReadonlyArray<{ curp: string; nombre: string; primerApellido: string; segundoApellido?: string }>;
}

export interface MecSeed {
  readonly idNombreInstitucion: string;
  readonly campus?: ReadonlyArray<{ readonly idCampus: string; readonly nombre: string; readonly idEntidadFederativa: string; readonly responsable?: SignerInput }>;
  /** Study-plan layouts (.xlsx or JSON bytes). */
  readonly planes?: readonly Buffer[];
}

export interface SeedSummary {
  institutions: number;
  users: number;
  signers: number;
  authorityCertificates: number;
  renapo: number;
  campuses?: number;
  planes?: number;
}

/** A part of a seed applied by another registry (the MEC's) inside the seed's transaction. */
export type SeedExtension = (seed: SeedDocument, trx: Transaction<Database>) => Promise<Partial<SeedSummary>>;

/** Institutions, their web-service users and signers, trusted authorities and the emulated RENAPO. */
export class RegistryService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly authenticator: Authenticator,
  ) {}

  async putInstitution(cveInstitucion: string, nombre: string, db = this.db): Promise<void> {
    if (!/^\d{6}$/.test(cveInstitucion)) {
      throw new RegistryError('INVALID', 'cveInstitucion must be the 6-digit DGP institution key', {
        field: 'cveInstitucion',
        expected: '6 digits, leading zeros kept (e.g. 090001)',
        found: cveInstitucion,
      });
    }
    await upsertInstitution(db, cveInstitucion, nombre);
  }

  async putUser(cveInstitucion: string, user: UserInput, db = this.db): Promise<void> {
    await this.requireInstitution(cveInstitucion, db);
    if (user.password.length < 8) {
      throw new RegistryError('INVALID', 'password must have at least 8 characters', { field: 'password', expected: '≥ 8 characters', found: `${user.password.length} characters` });
    }
    await upsertWsUser(db, {
      usuario: user.usuario,
      cveInstitucion,
      environment: user.environment,
      passwordHash: await hashPassword(user.password),
      active: user.active ?? true,
    });
    this.authenticator.invalidate();
  }

  async registerSigner(cveInstitucion: string, input: SignerInput, db = this.db): Promise<SignerRow> {
    await this.requireInstitution(cveInstitucion, db);
    const certificate = parseSignerCertificate(input.der);
    if (certificate.kind !== 'FIEL' || certificate.persona !== 'FISICA') {
      throw new RegistryError('INVALID', 'a responsible signer registers the e.firma (FIEL) of a persona física', {
        field: 'certificate',
        expected: 'FIEL, persona física (13-character RFC, CURP in serialNumber)',
        found: `${certificate.kind}, persona ${certificate.persona.toLowerCase()}`,
      });
    }
    if (!certificate.number || !certificate.curp) {
      throw new RegistryError('INVALID', 'the certificate lacks a 20-digit número de certificado or a CURP', {
        field: 'certificate',
        expected: 'serial = 20 ASCII digits; subject serialNumber = CURP',
        found: `number ${certificate.number ?? 'none'}, CURP ${certificate.curp ?? 'none'}`,
      });
    }
    const signer = await upsertSigner(db, {
      cveInstitucion,
      sha256: certificate.sha256,
      numeroCertificado: certificate.number,
      curp: certificate.curp,
      rfc: certificate.rfc,
      nombre: certificate.name ?? '',
      idCargo: input.idCargo ?? null,
      cargo: input.cargo ?? null,
      validFrom: certificate.validFrom,
      validTo: certificate.validTo,
      der: certificate.der,
    });
    if (input.status === 'revoked') return (await this.setSignerStatus(cveInstitucion, signer.id, 'revoked', db)) ?? signer;
    return signer;
  }

  async setSignerStatus(cveInstitucion: string, id: number, status: 'active' | 'revoked', db = this.db): Promise<SignerRow> {
    const signer = await setSignerStatus(db, cveInstitucion, id, status, this.clock.now());
    if (!signer) throw new RegistryError('NOT_FOUND', `no signer ${id} for institution ${cveInstitucion}`);
    return signer;
  }

  async registerAuthority(der: Uint8Array, nombre: string | undefined, db = this.db): Promise<{ numeroCertificado: string }> {
    const certificate = parseSignerCertificate(der);
    if (!certificate.number) {
      throw new RegistryError('INVALID', 'the authority certificate has no 20-digit número de certificado', { field: 'certificate', found: certificate.serialHex });
    }
    await upsertAuthorityCertificate(db, {
      numeroCertificado: certificate.number,
      sha256: certificate.sha256,
      nombre: nombre ?? certificate.name ?? '',
      der: certificate.der,
    });
    return { numeroCertificado: certificate.number };
  }

  async putRenapo(person: { curp: string; nombre: string; primerApellido: string; segundoApellido?: string | undefined }, db = this.db): Promise<void> {
    await upsertRenapoPerson(db, { ...person, segundoApellido: person.segundoApellido ?? '' });
  }

  /** Applies a whole seed document in one transaction: all of it or none of it. */
  async applySeed(seed: SeedDocument, extensions: readonly SeedExtension[] = []): Promise<SeedSummary> {
    let summary: SeedSummary = { institutions: 0, users: 0, signers: 0, authorityCertificates: 0, renapo: 0 };
    await this.db.transaction().execute(async (trx) => {
      for (const institution of seed.institutions ?? []) {
        await this.putInstitution(institution.cveInstitucion, institution.nombre, trx);
        summary.institutions++;
        for (const user of institution.users ?? []) {
          await this.putUser(institution.cveInstitucion, user, trx);
          summary.users++;
        }
        for (const signer of institution.signers ?? []) {
          await this.registerSigner(institution.cveInstitucion, signer, trx);
          summary.signers++;
        }
      }
      for (const authority of seed.authorityCertificates ?? []) {
        await this.registerAuthority(authority.der, authority.nombre, trx);
        summary.authorityCertificates++;
      }
      for (const person of seed.renapo ?? []) {
        await this.putRenapo(person, trx);
        summary.renapo++;
      }
      for (const extension of extensions) summary = { ...summary, ...(await extension(seed, trx)) };
    });
    return summary;
  }

  private async requireInstitution(cveInstitucion: string, db: Kysely<Database>): Promise<void> {
    if (!(await findInstitution(db, cveInstitucion))) {
      throw new RegistryError('NOT_FOUND', `institution ${cveInstitucion} is not registered`);
    }
  }
}

function parseSignerCertificate(der: Uint8Array) {
  try {
    return parseCertificate(der);
  } catch (error) {
    if (error instanceof CertificateParseError) {
      throw new RegistryError('INVALID', `not a certificate: ${error.message}`, { field: 'certificate', expected: 'a DER (.cer) X.509 certificate' });
    }
    throw error;
  }
}
