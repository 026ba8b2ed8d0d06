import type { Kysely } from 'kysely';
import type { RegisteredSigner } from '../domain/shared/signer.js';
import { listSigners } from '../store/repositories/registry.js';
import type { Database } from '../store/schema.js';

/** An institution's registered signers (active and revoked) by certificate SHA-256, as the checks read them. */
export async function signersBySha256(db: Kysely<Database>, cveInstitucion: string): Promise<Map<string, RegisteredSigner>> {
  const rows = await listSigners(db, cveInstitucion);
  return new Map(rows.map((r) => [r.sha256, toRegisteredSigner(r)]));
}

export function toRegisteredSigner(r: { id: number; sha256: string; numero_certificado: string; curp: string; nombre: string; status: string }): RegisteredSigner {
  return { id: String(r.id), sha256: r.sha256, numeroCertificado: r.numero_certificado, curp: r.curp, nombre: r.nombre, active: r.status === 'active' };
}
