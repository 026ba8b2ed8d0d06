import type { Test } from 'tap';
import type { TituloValues } from './titulo-fixture.js';
import { basicAuth, type TestApp } from './app.js';
import { tituloFor, zipOf, type Institution } from './met-scenario.js';

export type Environment = 'qa' | 'prod';

export function credentials(inst: Institution, environment: Environment = 'qa'): Record<string, string> {
  return environment === 'qa' ? basicAuth(inst.usuario, inst.password) : basicAuth(inst.prodUsuario, inst.prodPassword);
}

/** Registers one valid título per folio through the MET REST API and checks each was registered. */
export async function registerTitulos(
  t: Test,
  testApp: TestApp,
  inst: Institution,
  folios: readonly string[],
  opts: { environment?: Environment; edit?: (v: TituloValues, folio: string) => void } = {},
): Promise<void> {
  const files = folios.map((folio) => ({ name: `${folio}.xml`, content: tituloFor(testApp, inst, folio, (v) => opts.edit?.(v, folio)) }));
  await uploadLote(t, testApp, inst, await zipOf(files), folios.length, opts.environment);
}

/** Uploads a zip or XML through the MET REST API and waits; asserts how many files registered. */
export async function uploadLote(t: Test, testApp: TestApp, inst: Institution, body: Buffer, registered: number, environment: Environment = 'qa') {
  const contentType = body.subarray(0, 2).toString() === 'PK' ? 'application/zip' : 'application/xml';
  const answer = await testApp.app.inject({
    method: 'POST',
    url: '/api/v1/met/lotes?wait=true',
    headers: { ...credentials(inst, environment), 'content-type': contentType },
    payload: body,
  });
  t.equal(answer.statusCode, 200, answer.statusCode === 200 ? 'MET lote processed' : answer.body);
  const lote = answer.json();
  t.equal(lote.counts.registered, registered, `lote ${lote.numeroLote}: ${registered} registered`);
  return lote;
}

