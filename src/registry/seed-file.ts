import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { SeedDocument } from './registry-service.js';

/**
 * The declarative seed format (`metmec seed file.json`, POST /api/v1/admin/seed). Certificates are
 * given as `cer` (a path relative to the seed file; CLI and start-up only) or `certificateBase64`.
 */
const Certificate = {
  cer: Type.Optional(Type.String({ minLength: 1, description: 'path of a DER .cer file, relative to the seed file' })),
  certificateBase64: Type.Optional(Type.String({ minLength: 1, description: 'base64 of the DER certificate' })),
};

export const SeedSchema = Type.Object(
  {
    institutions: Type.Optional(
      Type.Array(
        Type.Object(
          {
            cveInstitucion: Type.String({ pattern: '^\\d{6}$' }),
            nombre: Type.String({ minLength: 1 }),
            users: Type.Optional(
              Type.Array(
                Type.Object(
                  {
                    usuario: Type.String({ minLength: 1 }),
                    password: Type.String({ minLength: 8 }),
                    environment: Type.Union([Type.Literal('qa'), Type.Literal('prod')]),
                    active: Type.Optional(Type.Boolean()),
                  },
                  { additionalProperties: false },
                ),
              ),
            ),
            signers: Type.Optional(
              Type.Array(
                Type.Object(
                  {
                    ...Certificate,
                    idCargo: Type.Optional(Type.Integer()),
                    cargo: Type.Optional(Type.String()),
                    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('revoked')])),
                  },
                  { additionalProperties: false },
                ),
              ),
            ),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    authorityCertificates: Type.Optional(
      Type.Array(Type.Object({ ...Certificate, nombre: Type.Optional(Type.String()) }, { additionalProperties: false })),
    ),
    renapo: Type.Optional(
      Type.Array(
        Type.Object(
          {
            curp: Type.String({ minLength: 18, maxLength: 18 }),
            nombre: Type.String(),
            primerApellido: Type.String(),
            segundoApellido: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

export type SeedJson = Static<typeof SeedSchema>;

export class SeedFileError extends Error {
  override readonly name = 'SeedFileError';
}

/** Validates seed JSON and resolves its certificates. `baseDir` null forbids file paths (API uploads). */
export function seedFromJson(json: unknown, baseDir: string | null): SeedDocument {
  if (!Value.Check(SeedSchema, json)) {
    const problems = [...Value.Errors(SeedSchema, json)].slice(0, 5).map((e) => `${e.path || '/'}: ${e.message}`);
    throw new SeedFileError(`invalid seed document:\n  ${problems.join('\n  ')}`);
  }
  const certificate = (c: { cer?: string | undefined; certificateBase64?: string | undefined }, where: string): Uint8Array => {
    if (c.certificateBase64) return Buffer.from(c.certificateBase64, 'base64');
    if (!c.cer) throw new SeedFileError(`${where}: give "cer" or "certificateBase64"`);
    if (baseDir === null) throw new SeedFileError(`${where}: file paths are not accepted here; send "certificateBase64"`);
    try {
      return readFileSync(resolve(baseDir, c.cer));
    } catch (error) {
      throw new SeedFileError(`${where}: cannot read ${c.cer}: ${(error as Error).message}`);
    }
  };
  return {
    institutions: (json.institutions ?? []).map((inst, i) => ({
      cveInstitucion: inst.cveInstitucion,
      nombre: inst.nombre,
      users: inst.users ?? [],
      signers: (inst.signers ?? []).map((s, j) => ({
        der: certificate(s, `institutions[${i}].signers[${j}]`),
        idCargo: s.idCargo,
        cargo: s.cargo,
        status: s.status,
      })),
    })),
    authorityCertificates: (json.authorityCertificates ?? []).map((a, i) => ({
      der: certificate(a, `authorityCertificates[${i}]`),
      ...(a.nombre === undefined ? {} : { nombre: a.nombre }),
    })),
    renapo: json.renapo ?? [],
  };
}

export function readSeedFile(path: string): SeedDocument {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SeedFileError(`cannot read seed file ${path}: ${(error as Error).message}`);
  }
  return seedFromJson(json, dirname(resolve(path)));
}
