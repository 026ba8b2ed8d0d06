import yazl from 'yazl';
import { mexicoCityDate } from '../../src/domain/dates.js';
import type { TestApp } from './app.js';
import { mintEfirma, type MintedCredential } from './pki.js';
import { buildTitulo, DEFAULT_CVE_INSTITUCION, tituloXml, type TituloValues } from './titulo-fixture.js';

export interface Institution {
  readonly cveInstitucion: string;
  readonly usuario: string;
  readonly password: string;
  readonly prodUsuario: string;
  readonly prodPassword: string;
  readonly signer: MintedCredential;
}

/** Registers an institution with QA and production users and one active responsible signer. */
export async function seedInstitution(testApp: TestApp, cveInstitucion = DEFAULT_CVE_INSTITUCION): Promise<Institution> {
  const signer = mintEfirma();
  const institution = {
    cveInstitucion,
    usuario: `usuariomet.qa${cveInstitucion}`,
    password: 'qa-password-1',
    prodUsuario: `usuarioMET.prod${cveInstitucion}a`,
    prodPassword: 'prod-password-1',
    signer,
  };
  await testApp.app.services.registry.applySeed({
    institutions: [
      {
        cveInstitucion,
        nombre: 'UNIVERSIDAD DE PRUEBAS METMEC',
        users: [
          { usuario: institution.usuario, password: institution.password, environment: 'qa' },
          { usuario: institution.prodUsuario, password: institution.prodPassword, environment: 'prod' },
        ],
        signers: [{ der: signer.cerDer, idCargo: 3, cargo: 'RECTOR' }],
      },
    ],
  });
  return institution;
}

/** A valid signed título for the institution, as XML text, valid on the service clock's date. */
export function tituloFor(testApp: TestApp, institution: Institution, folioControl: string, edit?: (v: TituloValues) => void): string {
  const today = mexicoCityDate(testApp.clock.now());
  const built = buildTitulo({
    today,
    signers: [institution.signer],
    edit: (values) => {
      values.root['folioControl'] = folioControl;
      values.institucion['cveInstitucion'] = institution.cveInstitucion;
      edit?.(values);
    },
  });
  return tituloXml(built.root);
}

export async function zipOf(files: ReadonlyArray<{ name: string; content: string | Buffer }>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const file of files) zip.addBuffer(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content), file.name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
