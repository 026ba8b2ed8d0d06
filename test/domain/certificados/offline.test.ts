import t from 'tap';
import { checkDecOffline, DEFAULT_DEC_OPTIONS } from '../../../src/domain/certificados/check-dec.js';
import { CertificateCache } from '../../../src/domain/efirma/certificate-cache.js';
import type { XmlElement } from '../../../src/intake/xml-tree.js';
import { setAttribute } from '../../support/dec-fixture.js';
import { build, context, errorCodes, mintSigner, run, TODAY } from './setup.js';

const signer = mintSigner();
const dec = build(signer);
const offline = (root: XmlElement) => checkDecOffline(root, { today: TODAY, certificates: new CertificateCache(), options: DEFAULT_DEC_OPTIONS });

/** What needs the MEC registry: the institution, its campuses, the plan, the registered e.firma, the folios. */
const REGISTRY_CODES = [
  'DEC-SERVICIO-FIRMANTE', 'DEC-INSTITUCION', 'DEC-CAMPUS', 'DEC-CAMPUS-ENTIDAD', 'DEC-PLAN', 'DEC-RVOE', 'DEC-PLAN-PERIODO',
  'DEC-PLAN-NIVEL', 'DEC-PLAN-ESCALA', 'DEC-ASIGNATURA-PLAN', 'DEC-ASIGNATURA-TIPO', 'DEC-ASIGNATURA-CREDITOS', 'DEC-TOTAL',
  'DEC-TOTAL-CREDITOS', 'DEC-CERTIFICADO-TOTAL', 'DEC-FIRMA-CERT-REGISTRADO', 'DEC-FIRMA-CAMPUS-VENCIDA', 'DEC-FOLIO-REGISTRADO',
  'DEC-FOLIO-LOTE',
].sort();

t.test('offline, every check runs but the registry ones, which are recorded as skipped', async (t) => {
  const outcome = offline(dec.root);
  t.same(errorCodes(outcome.checks), []);
  t.same(outcome.checks.filter((c) => c.status === 'skipped').map((c) => c.code).sort(), REGISTRY_CODES);
  const online = run(dec.root, context(signer)).checks;
  t.same(outcome.checks.map((c) => c.code), online.map((c) => c.code), 'the same checks, in the same order');
});

t.test('offline, the registry is not judged but the document is', async (t) => {
  const otherCampus = dec.resign(setAttribute(dec.root, 'Ipes', 'idCampus', '999999'));
  t.same(errorCodes(offline(otherCampus).checks), [], 'an unregistered campus is not an error offline');
  t.same(errorCodes(run(otherCampus, context(signer)).checks), ['DEC-CAMPUS'], 'it is one online');
  t.same(errorCodes(offline(setAttribute(dec.root, 'Alumno', 'nombre', 'JUANA')).checks), ['DEC-FIRMA-SELLO'], 'the sello is checked against the embedded certificate');
  t.same(errorCodes(offline(dec.resign(setAttribute(dec.root, 'Asignaturas', 'promedio', '9.00'))).checks), ['DEC-PROMEDIO'], 'and the arithmetic');
});
