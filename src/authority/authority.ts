/**
 * The service's own authority seal: the e.firma with which the emulator plays SEP/DGAIR when it
 * authenticates certificados (Dreoe/SepIpes, spec mec-certificados.md §1.10) and títulos
 * (Autenticacion, spec met-titulos.md §2.8). Read once at start-up from a `.cer`/`.key` pair
 * (fixtures/authority/ by default, see its README); the official's CURP and name come from the
 * certificate, the cargo from configuration.
 */
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseCertificate, type EfirmaCertificate } from '../domain/efirma/certificate.js';
import { openPrivateKey, privateKeyMatchesCertificate } from '../domain/efirma/private-key.js';

export interface AuthorityOfficial {
  readonly curp: string;
  readonly nombreCompleto: string;
  readonly idCargo: string;
  readonly cargo: string;
}

export interface Authority {
  readonly certificate: EfirmaCertificate;
  readonly privateKey: KeyObject;
  /** The 20-digit número de certificado (noCertificadoDreoe, noCertificadoSepIpes, noCertificadoAutoridad). */
  readonly numeroCertificado: string;
  readonly official: AuthorityOfficial;
}

export interface AuthorityConfig {
  readonly cerPath: string;
  readonly keyPath: string;
  readonly password: string;
  readonly official: { readonly idCargo: string; readonly cargo: string };
}

/**
 * The official's cargo when nothing else is configured. SEP's catalog of DREOE cargos is not public
 * (spec mec-certificados.md §1.10 names only the attributes); this is the emulator's choice.
 */
export const DEFAULT_AUTHORITY_OFFICIAL: { readonly idCargo: string; readonly cargo: string } = Object.freeze({ idCargo: '1', cargo: 'DIRECTOR' });

export class AuthorityError extends Error {
  override readonly name = 'AuthorityError';
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function readFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new AuthorityError(`Cannot read the authority ${what} ${path}: ${reasonOf(error)}`, { cause: error });
  }
}

/**
 * Loads and checks the authority credential. Throws AuthorityError naming the file when a file is
 * unreadable, the certificate is not one (or lacks a 20-digit número de certificado, a CURP or a
 * name), the key does not open with the password, or the key is not the certificate's.
 */
export function loadAuthority(config: AuthorityConfig): Authority {
  const cerBytes = readFile(config.cerPath, 'certificate');
  let certificate: EfirmaCertificate;
  try {
    certificate = parseCertificate(cerBytes);
  } catch (error) {
    throw new AuthorityError(`The authority certificate ${config.cerPath} is unreadable: ${reasonOf(error)}`, { cause: error });
  }
  const { number, curp, name } = certificate;
  if (number === null) {
    throw new AuthorityError(`The authority certificate ${config.cerPath} has no 20-digit número de certificado (serial ${certificate.serialHex})`);
  }
  if (curp === null) throw new AuthorityError(`The authority certificate ${config.cerPath} has no CURP (subject serialNumber)`);
  if (name === null) throw new AuthorityError(`The authority certificate ${config.cerPath} has no holder name`);

  const keyBytes = readFile(config.keyPath, 'private key');
  let privateKey: KeyObject;
  try {
    privateKey = openPrivateKey(keyBytes, config.password);
  } catch (error) {
    throw new AuthorityError(`The authority private key ${config.keyPath} does not open with the configured password (wrong password or corrupt key)`, {
      cause: error,
    });
  }
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new AuthorityError(`The authority private key ${config.keyPath} is not an RSA key (${privateKey.asymmetricKeyType ?? 'unknown'})`);
  }
  if (!privateKeyMatchesCertificate(privateKey, certificate)) {
    throw new AuthorityError(`The authority private key ${config.keyPath} does not match the certificate ${config.cerPath}`);
  }
  return Object.freeze({
    certificate,
    privateKey,
    numeroCertificado: number,
    official: Object.freeze({ curp, nombreCompleto: name, idCargo: config.official.idCargo, cargo: config.official.cargo }),
  });
}
