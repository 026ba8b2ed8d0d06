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

const Signer = Type.Object(
  {
    ...Certificate,
    idCargo: Type.Optional(Type.Integer()),
    cargo: Type.Optional(Type.String()),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('revoked')])),
  },
  { additionalProperties: false },
);

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
            signers: Type.Optional(Type.Array(Signer)),
            mec: Type.Optional(
              Type.Object(
                {
                  idNombreInstitucion: Type.String({ minLength: 1 }),
                  campus: Type.Optional(
                    Type.Array(
                      Type.Object(
                        {
                          idCampus: Type.String({ minLength: 1, maxLength: 20 }),
                          nombre: Type.String(),
                          idEntidadFederativa: Type.String(),
                          responsable: Type.Optional(Signer),
                        },
                        { additionalProperties: false },
                      ),
                    ),
                  ),
                  planes: Type.Optional(
                    Type.Array(
                      Type.Union([
                        Type.String({ minLength: 1, description: 'path of a layout .xlsx or .json file, relative to the seed file' }),
                        Type.Object({ contentBase64: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
                      ]),
                    ),
                  ),
                },
                { additionalProperties: false },
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
  const file = (path: string, where: string, inline: string): Buffer => {
    if (baseDir === null) throw new SeedFileError(`${where}: file paths are not accepted here; send "${inline}"`);
    try {
      return readFileSync(resolve(baseDir, path));
    } catch (error) {
      throw new SeedFileError(`${where}: cannot read ${path}: ${(error as Error).message}`);
    }
  };
  const certificate = (c: { cer?: string | undefined; certificateBase64?: string | undefined }, where: string): Uint8Array => {
    if (c.certificateBase64) return Buffer.from(c.certificateBase64, 'base64');
    if (!c.cer) throw new SeedFileError(`${where}: give "cer" or "certificateBase64"`);
    return file(c.cer, where, 'certificateBase64');
  };
  const signer = (s: Static<typeof Signer>, where: string) => ({ der: certificate(s, where), idCargo: s.idCargo, cargo: s.cargo, status: s.status });
  return {
    institutions: (json.institutions ?? []).map((inst, i) => ({
      cveInstitucion: inst.cveInstitucion,
      nombre: inst.nombre,
      users: inst.users ?? [],
      signers: (inst.signers ?? []).map((s, j) => signer(s, `institutions[${i}].signers[${j}]`)),
      ...(inst.mec && {
        mec: {
          idNombreInstitucion: inst.mec.idNombreInstitucion,
          campus: (inst.mec.campus ?? []).map(({ responsable, ...campus }, j) => ({
            ...campus,
            ...(responsable && { responsable: signer(responsable, `institutions[${i}].mec.campus[${j}].responsable`) }),
          })),
          planes: (inst.mec.planes ?? []).map((plan, j) =>
            typeof plan === 'string' ? file(plan, `institutions[${i}].mec.planes[${j}]`, 'contentBase64') : Buffer.from(plan.contentBase64, 'base64'),
          ),
        },
      }),
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
