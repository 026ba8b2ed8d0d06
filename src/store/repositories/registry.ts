import type { Kysely } from 'kysely';
import type { Database, EnvironmentColumn, SignerRow } from '../schema.js';

/** Institutions, web-service users, signers, authority certificates and the emulated RENAPO. */

export async function upsertInstitution(db: Kysely<Database>, cveInstitucion: string, nombre: string): Promise<void> {
  await db
    .insertInto('institution')
    .values({ cve_institucion: cveInstitucion, nombre })
    .onConflict((oc) => oc.column('cve_institucion').doUpdateSet({ nombre }))
    .execute();
}

export function findInstitution(db: Kysely<Database>, cveInstitucion: string) {
  return db.selectFrom('institution').selectAll().where('cve_institucion', '=', cveInstitucion).executeTakeFirst();
}

export function listInstitutions(db: Kysely<Database>) {
  return db.selectFrom('institution').selectAll().orderBy('cve_institucion').execute();
}

export async function upsertWsUser(
  db: Kysely<Database>,
  user: { usuario: string; cveInstitucion: string; environment: EnvironmentColumn; passwordHash: string; active: boolean },
): Promise<void> {
  const values = {
    usuario: user.usuario,
    cve_institucion: user.cveInstitucion,
    environment: user.environment,
    password_hash: user.passwordHash,
    active: user.active,
  };
  await db
    .insertInto('ws_user')
    .values(values)
    .onConflict((oc) => oc.column('usuario').doUpdateSet(values))
    .execute();
}

export function findWsUser(db: Kysely<Database>, usuario: string) {
  return db.selectFrom('ws_user').selectAll().where('usuario', '=', usuario).executeTakeFirst();
}

export function listWsUsers(db: Kysely<Database>, cveInstitucion: string) {
  return db
    .selectFrom('ws_user')
    .select(['usuario', 'environment', 'active', 'created_at'])
    .where('cve_institucion', '=', cveInstitucion)
    .orderBy('usuario')
    .execute();
}

export interface NewSigner {
  cveInstitucion: string;
  sha256: string;
  numeroCertificado: string;
  curp: string;
  rfc: string | null;
  nombre: string;
  idCargo: number | null;
  cargo: string | null;
  validFrom: Date;
  validTo: Date;
  der: Uint8Array;
}

/** Registers (or re-activates) a signer certificate; the same certificate twice is one signer. */
export async function upsertSigner(db: Kysely<Database>, signer: NewSigner): Promise<SignerRow> {
  const values = {
    cve_institucion: signer.cveInstitucion,
    sha256: signer.sha256,
    numero_certificado: signer.numeroCertificado,
    curp: signer.curp,
    rfc: signer.rfc,
    nombre: signer.nombre,
    id_cargo: signer.idCargo,
    cargo: signer.cargo,
    valid_from: signer.validFrom,
    valid_to: signer.validTo,
    der: signer.der,
  };
  return db
    .insertInto('signer')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['cve_institucion', 'sha256']).doUpdateSet({ id_cargo: signer.idCargo, cargo: signer.cargo, status: 'active', revoked_at: null }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listSigners(db: Kysely<Database>, cveInstitucion: string) {
  return db.selectFrom('signer').selectAll().where('cve_institucion', '=', cveInstitucion).orderBy('id').execute();
}

export function findSigner(db: Kysely<Database>, cveInstitucion: string, id: number) {
  return db.selectFrom('signer').selectAll().where('cve_institucion', '=', cveInstitucion).where('id', '=', id).executeTakeFirst();
}

export async function setSignerStatus(
  db: Kysely<Database>,
  cveInstitucion: string,
  id: number,
  status: 'active' | 'revoked',
  at: Date,
): Promise<SignerRow | undefined> {
  return db
    .updateTable('signer')
    .set({ status, revoked_at: status === 'revoked' ? at : null })
    .where('cve_institucion', '=', cveInstitucion)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function upsertAuthorityCertificate(
  db: Kysely<Database>,
  cert: { numeroCertificado: string; sha256: string; nombre: string; der: Uint8Array },
): Promise<void> {
  const values = { numero_certificado: cert.numeroCertificado, sha256: cert.sha256, nombre: cert.nombre, der: cert.der };
  await db
    .insertInto('authority_certificate')
    .values(values)
    .onConflict((oc) => oc.column('numero_certificado').doUpdateSet(values))
    .execute();
}

export function listAuthorityCertificates(db: Kysely<Database>) {
  return db.selectFrom('authority_certificate').selectAll().orderBy('numero_certificado').execute();
}

export async function upsertRenapoPerson(
  db: Kysely<Database>,
  person: { curp: string; nombre: string; primerApellido: string; segundoApellido: string },
): Promise<void> {
  const values = {
    curp: person.curp,
    nombre: person.nombre,
    primer_apellido: person.primerApellido,
    segundo_apellido: person.segundoApellido,
  };
  await db
    .insertInto('renapo_person')
    .values(values)
    .onConflict((oc) => oc.column('curp').doUpdateSet(values))
    .execute();
}

export function findRenapoPeople(db: Kysely<Database>, curps: readonly string[]) {
  if (curps.length === 0) return Promise.resolve([]);
  return db.selectFrom('renapo_person').selectAll().where('curp', 'in', [...curps]).execute();
}
