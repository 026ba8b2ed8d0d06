/**
 * DGAIR's "Constancia de Autenticación" of a título electrónico (spec met-titulos.md §1.10: for
 * federal RVOE the institution gets back the authenticated XML plus this constancia; §2.8 the
 * Autenticacion node it reports).
 *
 * SEP's layout is not public. This one is a single US-letter page (612 × 792 pt; the constancia is
 * a short one-page notice, and letter is what Mexican offices print such notices on): the
 * authority's letterhead, one paragraph stating what was authenticated, the título's data
 * (profesionista, carrera, institución, folioControl, expedición, one entry per signer), the
 * Autenticacion data (folio digital, fecha, número de certificado de la autoridad,
 * selloAutenticacion in small Courier) and a QR code to the verification URL. Should the data not
 * fit (many signers), it continues on a second page.
 */
import type { XmlElement } from '../intake/xml-tree.js';
import { readAttributes, type ElementSpec } from '../domain/shared/element-spec.js';
import {
  AUTENTICACION,
  CARRERA,
  EXPEDICION,
  FIRMA_RESPONSABLE,
  INSTITUCION,
  PROFESIONISTA,
  ROOT,
  TITULOS_NAMESPACE,
} from '../domain/titulos/schema.js';
import { CARTA, clip, collect, fechaHora, fechaLarga, FONT_BOLD, footers, GRAY, Layout, letterhead, MAX_FIELD_CHARS, newDocument, qrPng, type Box } from './pdf-common.js';

export interface ConstanciaTituloPdfOptions {
  /** Encoded in the QR code and printed under it. */
  readonly verifyUrl: string;
}

const [PAGE_WIDTH, PAGE_HEIGHT] = CARTA;
const BOX: Box = { left: 54, right: PAGE_WIDTH - 54, top: 40, bottom: PAGE_HEIGHT - 44 };
const QR_SIZE = 110;

function child(parent: XmlElement | undefined, name: string): XmlElement | undefined {
  return parent?.children.find((c) => c.name === name);
}

function attrsOf<S extends ElementSpec>(element: XmlElement | undefined, spec: S): Record<string, string> {
  if (element === undefined) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(readAttributes(element, spec))) if (v !== undefined) out[k] = v;
  return out;
}

const value = (a: Record<string, string>, name: string): string => a[name] ?? '';
const joinName = (...parts: readonly (string | undefined)[]): string => parts.filter((p) => p !== undefined && p !== '').join(' ');
const withKey = (text: string, key: string): string => (key === '' ? text : text === '' ? key : `${text} (${key})`);

/**
 * Renders the constancia of an authenticated título. Throws TypeError when `titulo` is not a
 * TituloElectronico or carries no Autenticacion node.
 */
export async function renderConstanciaTituloPdf(titulo: XmlElement, options: ConstanciaTituloPdfOptions): Promise<Buffer> {
  if (titulo.name !== ROOT.name || titulo.namespace !== TITULOS_NAMESPACE) throw new TypeError('renderConstanciaTituloPdf needs a TituloElectronico root');
  const autenticacionEl = child(titulo, AUTENTICACION.name);
  if (autenticacionEl === undefined) throw new TypeError('renderConstanciaTituloPdf needs a título with an Autenticacion node');

  const root = attrsOf(titulo, ROOT);
  const firmas = (child(titulo, 'FirmaResponsables')?.children ?? []).filter((c) => c.name === FIRMA_RESPONSABLE.name).map((f) => attrsOf(f, FIRMA_RESPONSABLE));
  const institucion = attrsOf(child(titulo, INSTITUCION.name), INSTITUCION);
  const carrera = attrsOf(child(titulo, CARRERA.name), CARRERA);
  const profesionista = attrsOf(child(titulo, PROFESIONISTA.name), PROFESIONISTA);
  const expedicion = attrsOf(child(titulo, EXPEDICION.name), EXPEDICION);
  const autenticacion = attrsOf(autenticacionEl, AUTENTICACION);

  const qr = await qrPng(options.verifyUrl);
  const nombre = joinName(profesionista['nombre'], profesionista['primerApellido'], profesionista['segundoApellido']);
  const folioControl = value(root, 'folioControl');

  const doc = newDocument(CARTA, { title: `Constancia de Autenticación ${value(autenticacion, 'folioDigital')}`, subject: `${nombre} ${value(profesionista, 'curp')}` });
  const output = collect(doc);
  const layout = new Layout(doc, BOX, (l) => {
    l.textAt('CONSTANCIA DE AUTENTICACIÓN (CONTINUACIÓN)', BOX.left, l.y, l.width, { font: FONT_BOLD, size: 9 });
    l.y += 16;
  });

  letterhead(layout, ['SECRETARÍA DE EDUCACIÓN PÚBLICA', 'DIRECCIÓN GENERAL DE ACREDITACIÓN, INCORPORACIÓN Y REVALIDACIÓN']);
  layout.paragraph('CONSTANCIA DE AUTENTICACIÓN', { font: FONT_BOLD, size: 15, align: 'center' }, 2);
  layout.paragraph('TÍTULO ELECTRÓNICO', { font: FONT_BOLD, size: 10, align: 'center', color: GRAY }, 10);

  layout.paragraph(
    `La Dirección General de Acreditación, Incorporación y Revalidación hace constar que el título electrónico con folio de control ${clip(folioControl, MAX_FIELD_CHARS)}, ` +
      `expedido por ${clip(value(institucion, 'nombreInstitucion'), MAX_FIELD_CHARS)} a favor de ${clip(nombre, MAX_FIELD_CHARS)}, fue autenticado electrónicamente con los datos que se indican.`,
    { size: 9 },
    6,
  );

  layout.heading('PROFESIONISTA');
  layout.fields([
    ['NOMBRE', nombre],
    ['CURP', value(profesionista, 'curp')],
  ]);

  layout.heading('ESTUDIOS');
  const rvoe = value(carrera, 'numeroRvoe');
  layout.fields([
    ['CARRERA', withKey(value(carrera, 'nombreCarrera'), value(carrera, 'cveCarrera'))],
    ['INSTITUCIÓN', withKey(value(institucion, 'nombreInstitucion'), value(institucion, 'cveInstitucion'))],
    ['AUTORIZACIÓN O RECONOCIMIENTO', rvoe === '' ? value(carrera, 'autorizacionReconocimiento') : `${value(carrera, 'autorizacionReconocimiento')} ${rvoe}`],
    ['PERIODO', `${fechaLarga(value(carrera, 'fechaInicio'))} A ${fechaLarga(value(carrera, 'fechaTerminacion'))}`],
  ]);

  layout.heading('TÍTULO');
  layout.fields([
    ['FOLIO DE CONTROL', folioControl],
    ['FECHA Y LUGAR DE EXPEDICIÓN', `${fechaLarga(value(expedicion, 'fechaExpedicion'))}, ${value(expedicion, 'entidadFederativa')}`],
    ['MODALIDAD DE TITULACIÓN', value(expedicion, 'modalidadTitulacion')],
    ['FIRMANTES', String(firmas.length)],
  ]);

  layout.heading('FIRMAS ELECTRÓNICAS DE LA INSTITUCIÓN');
  layout.fields(firmas.map((f) => [value(f, 'cargo'), joinName(f['abrTitulo'], f['nombre'], f['primerApellido'], f['segundoApellido'])] as const));

  layout.heading('AUTENTICACIÓN', QR_SIZE + 10);
  const top = layout.y;
  const dataWidth = layout.width - QR_SIZE - 14;
  let y = top;
  for (const [label, text] of [
    ['FOLIO DIGITAL', value(autenticacion, 'folioDigital')],
    ['FECHA DE AUTENTICACIÓN', fechaHora(value(autenticacion, 'fechaAutenticacion'))],
    ['NO. DE CERTIFICADO DE LA AUTORIDAD', value(autenticacion, 'noCertificadoAutoridad')],
    ['VERSIÓN DEL NODO', value(autenticacion, 'version')],
  ] as const) {
    y += layout.textAt(label, BOX.left, y, dataWidth, { font: FONT_BOLD, size: 6.5, color: GRAY });
    y += layout.textAt(clip(text, MAX_FIELD_CHARS), BOX.left, y, dataWidth, { size: 9 }) + 4;
  }
  const qrX = BOX.right - QR_SIZE;
  doc.image(qr, qrX, top, { width: QR_SIZE, height: QR_SIZE });
  const caption = layout.textAt(clip(options.verifyUrl, MAX_FIELD_CHARS), qrX - 60, top + QR_SIZE + 2, QR_SIZE + 60, { size: 6, align: 'right', color: GRAY });
  layout.y = Math.max(y, top + QR_SIZE + 2 + caption) + 6;

  layout.monoBlock('SELLO DE AUTENTICACIÓN (selloAutenticacion)', value(autenticacion, 'selloAutenticacion'), 7);

  footers(doc, BOX, PAGE_HEIGHT, `FOLIO DIGITAL ${value(autenticacion, 'folioDigital')}`);
  doc.end();
  return output.done;
}
