import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { repoPath } from '../repo-path.js';
import type { SeedDocument } from './registry-service.js';

/**
 * fixtures/demo/demo.json: the demo institution that `npm start` seeds, in the machine-readable shape
 * clients and walk-throughs read (paths are relative to that file).
 */
export interface DemoFile {
  readonly cveInstitucion: string;
  readonly nombreInstitucion: string;
  readonly usuario: string;
  readonly password: string;
  readonly environment: 'qa';
  readonly produccion: { readonly usuario: string; readonly password: string };
  readonly signer: {
    readonly cer: string;
    readonly key: string;
    readonly keyPassword: string;
    readonly idCargo: number;
    readonly cargo: string;
  };
  /** MEC registration: the demo signer is every campus's responsable; plans are layout files. */
  readonly mec?: {
    readonly idNombreInstitucion: string;
    readonly campus: ReadonlyArray<{ readonly idCampus: string; readonly nombre: string; readonly idEntidadFederativa: string }>;
    readonly planes: readonly string[];
  };
}

export const DEMO_FILE = repoPath('fixtures', 'demo', 'demo.json');

export function readDemo(path = DEMO_FILE): DemoFile & { readonly baseDir: string } {
  return { ...(JSON.parse(readFileSync(path, 'utf8')) as DemoFile), baseDir: dirname(resolve(path)) };
}

export function demoSeed(path = DEMO_FILE): SeedDocument {
  const demo = readDemo(path);
  const signer = { der: readFileSync(resolve(demo.baseDir, demo.signer.cer)), idCargo: demo.signer.idCargo, cargo: demo.signer.cargo };
  return {
    institutions: [
      {
        cveInstitucion: demo.cveInstitucion,
        nombre: demo.nombreInstitucion,
        users: [
          { usuario: demo.usuario, password: demo.password, environment: 'qa' },
          { usuario: demo.produccion.usuario, password: demo.produccion.password, environment: 'prod' },
        ],
        signers: [signer],
        ...(demo.mec && {
          mec: {
            idNombreInstitucion: demo.mec.idNombreInstitucion,
            campus: demo.mec.campus.map((campus) => ({ ...campus, responsable: signer })),
            planes: demo.mec.planes.map((plan) => readFileSync(resolve(demo.baseDir, plan))),
          },
        }),
      },
    ],
  };
}
