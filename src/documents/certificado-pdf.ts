/**
 * The printable "Certificado electrónico de estudios": the PDF an institution downloads next to the
 * authenticated DEC (spec mec-certificados.md §1.10, §4.6 "the authenticated XML and a PDF").
 *
 * SEP's own layout is not public; this one carries what the DEC carries, the way Mexican
 * certificados are printed: México's oficio sheet (216 × 340 mm), the RVOE date as month and year
 * only (§1.5, "AGOSTO DE 2014"), one row per subject in document order with its observación
 * abbreviation, the totals, the expedition, and the authentication (folioControl, SepIpes folio
 * digital and dates, the authenticating official, the three seals in small Courier) with a QR code
 * to the verification URL. Subjects run over as many pages as needed; the table header is repeated
 * on every page and every page carries `HOJA i DE n` and the emulator notice.
 */
import type { XmlElement } from '../intake/xml-tree.js';
import {
  CARGOS_DEC,
  ENTIDADES,
  NIVELES_ESTUDIOS,
  OBSERVACIONES,
  TIPO_ASIGNATURA_COMPLEMENTARIA,
  TIPOS_CERTIFICACION,
  TIPOS_PERIODO,
} from '../domain/catalogs/certificados.js';
import type { Catalog } from '../domain/catalogs/catalog.js';
import { readAttributes, type ElementSpec } from '../domain/shared/element-spec.js';
import {
  ALUMNO,
  ASIGNATURA,
  ASIGNATURAS,
  CARRERA,
  DEC_NAMESPACE,
  DREOE,
  EXPEDICION,
  IPES,
  RESPONSABLE,
  ROOT,
  RVOE,
  SEP_IPES,
} from '../domain/certificados/schema.js';
import {
  clip,
  collect,
  fechaHora,
  fechaLarga,
  FONT_BOLD,
  footers,
  GRAY,
  LIGHT,
  Layout,
  letterhead,
  MAX_FIELD_CHARS,
  mesAnio,
  newDocument,
  OFICIO,
  qrPng,
  RULE,
  type Box,
} from './pdf-common.js';

export interface CertificadoPdfOptions {
  /** Encoded in the QR code and printed under it. */
  readonly verifyUrl: string;
  /** The registered study plan, for names the DEC may leave out (they are optional there). */
  readonly plan?: {
    readonly nombreCarrera?: string;
    /** Subject names by idAsignatura. */
    readonly asignaturas?: ReadonlyMap<string, string>;
  };
}

const [PAGE_WIDTH, PAGE_HEIGHT] = OFICIO;
const BOX: Box = { left: 40, right: PAGE_WIDTH - 40, top: 36, bottom: PAGE_HEIGHT - 44 };
const QR_SIZE = 104;

const TABLE_FONT_SIZE = 7.5;
const CELL_PAD = 2;

interface Column {
  readonly title: string;
  readonly width: number;
  readonly align: 'left' | 'center' | 'right';
}

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

/** The catalog text for an id, else the descriptive attribute, else the id as written. */
function described(cat: Catalog, id: string, text: string | undefined): string {
  return cat.entries.get(id)?.text ?? (text !== undefined && text !== '' ? text : id);
}

const joinName = (...parts: readonly (string | undefined)[]): string => parts.filter((p) => p !== undefined && p !== '').join(' ');
const withKey = (text: string, key: string): string => (key === '' ? text : text === '' ? key : `${text} (${key})`);

/**
 * Renders a sealed DEC (with Dreoe and SepIpes). Throws TypeError when `dec` is not a Dec or has not
 * been sealed.
 */
export async function renderCertificadoPdf(dec: XmlElement, options: CertificadoPdfOptions): Promise<Buffer> {
  if (dec.name !== ROOT.name || dec.namespace !== DEC_NAMESPACE) throw new TypeError('renderCertificadoPdf needs a Dec root');
  const dreoeEl = child(dec, DREOE.name);
  const sepIpesEl = child(dec, SEP_IPES.name);
  if (dreoeEl === undefined || sepIpesEl === undefined) throw new TypeError('renderCertificadoPdf needs a sealed Dec (with Dreoe and SepIpes)');

  const root = attrsOf(dec, ROOT);
  const ipesEl = child(dec, IPES.name);
  const ipes = attrsOf(ipesEl, IPES);
  const responsable = attrsOf(child(ipesEl, RESPONSABLE.name), RESPONSABLE);
  const rvoe = attrsOf(child(dec, RVOE.name), RVOE);
  const carrera = attrsOf(child(dec, CARRERA.name), CARRERA);
  const alumno = attrsOf(child(dec, ALUMNO.name), ALUMNO);
  const expedicion = attrsOf(child(dec, EXPEDICION.name), EXPEDICION);
  const asignaturasEl = child(dec, ASIGNATURAS.name);
  const totals = attrsOf(asignaturasEl, ASIGNATURAS);
  const subjects = (asignaturasEl?.children ?? []).filter((c) => c.name === ASIGNATURA.name).map((el) => attrsOf(el, ASIGNATURA));
  const dreoe = attrsOf(dreoeEl, DREOE);
  const sepIpes = attrsOf(sepIpesEl, SEP_IPES);

  const qr = await qrPng(options.verifyUrl);
  const alumnoNombre = joinName(alumno['nombre'], alumno['primerApellido'], alumno['segundoApellido']);
  const folioControl = value(root, 'folioControl');
  const tipoCertificacion = described(TIPOS_CERTIFICACION, value(expedicion, 'idTipoCertificacion'), expedicion['tipoCertificacion']);

  const doc = newDocument(OFICIO, { title: `Certificado electrónico de estudios ${folioControl}`, subject: `${alumnoNombre} ${value(alumno, 'curp')}` });
  const output = collect(doc);

  const columns: readonly Column[] = [
    { title: 'No.', width: 22, align: 'right' },
    { title: 'CLAVE', width: 60, align: 'left' },
    { title: 'ASIGNATURA', width: 0, align: 'left' },
    { title: 'CICLO', width: 44, align: 'center' },
    { title: 'CALIFICACIÓN', width: 56, align: 'center' },
    { title: 'CRÉDITOS', width: 44, align: 'right' },
    { title: 'OBSERVACIÓN', width: 62, align: 'center' },
  ];
  const fixed = columns.reduce((sum, c) => sum + c.width, 0);
  const widths = columns.map((c) => (c.width === 0 ? BOX.right - BOX.left - fixed : c.width));

  let inTable = false;
  const tableHeader = (layout: Layout): void => {
    const height = 12;
    doc.rect(BOX.left, layout.y, BOX.right - BOX.left, height).fill(LIGHT);
    let x = BOX.left;
    columns.forEach((c, i) => {
      const w = widths[i] as number;
      layout.textAt(c.title, x + CELL_PAD, layout.y + 3, w - 2 * CELL_PAD, { font: FONT_BOLD, size: 6.5, align: c.align });
      x += w;
    });
    layout.y += height + 1;
  };
  const layout = new Layout(doc, BOX, (l) => {
    l.textAt(`CERTIFICADO ELECTRÓNICO DE ESTUDIOS (CONTINUACIÓN)`, BOX.left, l.y, l.width, { font: FONT_BOLD, size: 9 });
    l.y += 11;
    l.textAt(clip(`${alumnoNombre}  ·  CURP ${value(alumno, 'curp')}  ·  FOLIO DE CONTROL ${folioControl}`, 200), BOX.left, l.y, l.width, { size: 7.5, color: GRAY });
    l.y += 14;
    if (inTable) tableHeader(l);
  });

  // ---------------------------------------------------------------- header and identification
  letterhead(layout, ['SECRETARÍA DE EDUCACIÓN PÚBLICA', 'DIRECCIÓN GENERAL DE ACREDITACIÓN, INCORPORACIÓN Y REVALIDACIÓN']);
  layout.paragraph('CERTIFICADO ELECTRÓNICO DE ESTUDIOS', { font: FONT_BOLD, size: 15, align: 'center' }, 2);
  layout.paragraph(`CERTIFICACIÓN ${tipoCertificacion}`, { font: FONT_BOLD, size: 10, align: 'center', color: GRAY }, 8);

  layout.heading('INSTITUCIÓN');
  const entidadIpes = described(ENTIDADES, value(ipes, 'idEntidadFederativa'), ipes['entidadFederativa']);
  layout.fields([
    ['INSTITUCIÓN', withKey(value(ipes, 'nombreInstitucion'), value(ipes, 'idNombreInstitucion'))],
    ['CAMPUS', withKey(value(ipes, 'campus'), value(ipes, 'idCampus'))],
    ['ENTIDAD FEDERATIVA', entidadIpes],
    ['RECONOCIMIENTO DE VALIDEZ OFICIAL DE ESTUDIOS', `${value(rvoe, 'numero')} DE FECHA ${mesAnio(value(rvoe, 'fechaExpedicion'))}`],
  ]);

  layout.heading('CARRERA Y PLAN DE ESTUDIOS');
  const nombreCarrera = carrera['nombreCarrera'] || options.plan?.nombreCarrera || '';
  layout.fields(
    [
      ['CARRERA', withKey(nombreCarrera, value(carrera, 'claveCarrera'))],
      ['NIVEL DE ESTUDIOS', described(NIVELES_ESTUDIOS, value(carrera, 'idNivelEstudios'), carrera['nivelEstudios'])],
      ['CLAVE DEL PLAN DE ESTUDIOS', value(carrera, 'clavePlan')],
      ['TIPO DE PERIODO', described(TIPOS_PERIODO, value(carrera, 'idTipoPeriodo'), carrera['tipoPeriodo'])],
      [
        'ESCALA DE CALIFICACIONES',
        `${value(carrera, 'calificacionMinima')} A ${value(carrera, 'calificacionMaxima')}; MÍNIMA APROBATORIA ${value(carrera, 'calificacionMinimaAprobatoria')}`,
      ],
      ['NÚMERO DE CICLOS CURSADOS', value(totals, 'numeroCiclos')],
    ],
    3,
  );

  layout.heading('ALUMNO');
  layout.fields(
    [
      ['NOMBRE', alumnoNombre],
      ['CURP', value(alumno, 'curp')],
      ['NÚMERO DE CONTROL', value(alumno, 'numeroControl')],
    ],
    3,
  );

  // ---------------------------------------------------------------- subjects
  layout.heading('ASIGNATURAS', 40);
  layout.paragraph('Se certifica que el alumno cursó las asignaturas del plan de estudios que se indican, con las calificaciones siguientes:', { size: 7.5 }, 4);
  layout.ensure(12 + 14);
  tableHeader(layout);
  inTable = true;

  const observacionesUsed = new Map<string, string>();
  let adicional = false;
  let complementaria = false;
  subjects.forEach((s, index) => {
    const id = value(s, 'idAsignatura');
    const tipo = value(s, 'idTipoAsignatura');
    const mark = tipo === TIPO_ASIGNATURA_COMPLEMENTARIA ? '**' : tipo === '265' ? '*' : '';
    if (mark === '**') complementaria = true;
    if (mark === '*') adicional = true;
    const nombre = s['nombre'] || options.plan?.asignaturas?.get(id) || '';
    const obsId = value(s, 'idObservaciones');
    const obs = OBSERVACIONES.entries.get(obsId);
    let observacion = '';
    if (obs !== undefined) {
      observacion = obs.abbr;
      if (obs.abbr !== '') observacionesUsed.set(obs.abbr, obs.text);
    } else if (obsId !== '' || s['observaciones']) {
      observacion = s['observaciones'] || obsId;
    }
    const cells = [String(index + 1), s['claveAsignatura'] || id, `${mark}${nombre}`, value(s, 'ciclo'), value(s, 'calificacion'), value(s, 'creditos'), observacion].map((text) =>
      clip(text, MAX_FIELD_CHARS),
    );
    const height = Math.max(...cells.map((text, i) => layout.measure(text || ' ', (widths[i] as number) - 2 * CELL_PAD, { size: TABLE_FONT_SIZE }))) + 2 * CELL_PAD;
    layout.ensure(height);
    if (index % 2 === 1) doc.rect(BOX.left, layout.y, BOX.right - BOX.left, height).fill('#f6f6f6');
    let x = BOX.left;
    cells.forEach((text, i) => {
      const w = widths[i] as number;
      const column = columns[i] as Column;
      layout.textAt(text, x + CELL_PAD, layout.y + CELL_PAD, w - 2 * CELL_PAD, { size: TABLE_FONT_SIZE, align: column.align });
      x += w;
    });
    layout.y += height;
  });
  inTable = false;
  doc.moveTo(BOX.left, layout.y).lineTo(BOX.right, layout.y).lineWidth(0.5).strokeColor(RULE).stroke();
  layout.y += 4;

  const notes: string[] = [];
  if (adicional) notes.push('* ASIGNATURA ADICIONAL.');
  if (complementaria) notes.push('** ASIGNATURA COMPLEMENTARIA: NO SE CONSIDERA EN EL PROMEDIO.');
  for (const [abbr, text] of observacionesUsed) notes.push(`${abbr} ${text}.`);
  if (notes.length > 0) layout.paragraph(notes.join('   '), { size: 6.5, color: GRAY }, 4);

  // ---------------------------------------------------------------- totals and expedition
  layout.heading('RESUMEN');
  layout.fields(
    [
      ['PROMEDIO GENERAL', value(totals, 'promedio')],
      ['CRÉDITOS OBTENIDOS', `${value(totals, 'creditosObtenidos')} DE ${value(totals, 'totalCreditos')}`],
      ['ASIGNATURAS', `${value(totals, 'asignadas')} DE ${value(totals, 'total')}`],
    ],
    3,
  );

  layout.heading('EXPEDICIÓN');
  const cargo = described(CARGOS_DEC, value(responsable, 'idCargo'), responsable['cargo']);
  layout.fields(
    [
      ['LUGAR Y FECHA', `${described(ENTIDADES, value(expedicion, 'idLugarExpedicion'), expedicion['lugarExpedicion'])}, ${fechaLarga(value(expedicion, 'fecha'))}`],
      ['FOLIO DE CONTROL', folioControl],
      ['RESPONSABLE', `${joinName(responsable['nombre'], responsable['primerApellido'], responsable['segundoApellido'])}, ${cargo}`],
      ['NO. DE CERTIFICADO DEL RESPONSABLE', value(root, 'noCertificadoResponsable')],
    ],
    2,
  );

  // ---------------------------------------------------------------- authentication
  layout.heading('AUTENTICACIÓN ELECTRÓNICA', QR_SIZE + 20);
  const qrX = BOX.right - QR_SIZE;
  const top = layout.y;
  const dataWidth = layout.width - QR_SIZE - 12;
  const lines: ReadonlyArray<readonly [string, string]> = [
    ['FOLIO DIGITAL', value(sepIpes, 'folioDigital')],
    ['FECHA DE AUTENTICACIÓN', fechaHora(value(dreoe, 'fechaDreoe'))],
    ['FECHA DE REGISTRO SEP', fechaHora(value(sepIpes, 'fechaSepIpes'))],
    ['AUTENTICÓ', `${value(dreoe, 'nombreCompleto')}, ${value(dreoe, 'cargo')}`],
    ['NO. DE CERTIFICADO DE LA AUTORIDAD', value(dreoe, 'noCertificadoDreoe')],
  ];
  let y = top;
  for (const [label, text] of lines) {
    y += layout.textAt(label, BOX.left, y, dataWidth, { font: FONT_BOLD, size: 6.5, color: GRAY });
    y += layout.textAt(clip(text, MAX_FIELD_CHARS), BOX.left, y, dataWidth, { size: 8.5 }) + 3;
  }
  doc.image(qr, qrX, top, { width: QR_SIZE, height: QR_SIZE });
  const captionHeight = layout.textAt(clip(options.verifyUrl, MAX_FIELD_CHARS), qrX - 40, top + QR_SIZE + 2, QR_SIZE + 40, { size: 6, align: 'right', color: GRAY });
  layout.y = Math.max(y, top + QR_SIZE + 2 + captionHeight) + 4;

  layout.monoBlock('SELLO DIGITAL DE LA INSTITUCIÓN (selloDec)', value(dreoe, 'selloDec'));
  layout.monoBlock('SELLO DE LA AUTORIDAD (selloDreoe)', value(dreoe, 'selloDreoe'));
  layout.monoBlock('SELLO DE LA SEP (selloSepIpes)', value(sepIpes, 'selloSepIpes'));

  footers(doc, BOX, PAGE_HEIGHT, `FOLIO DE CONTROL ${folioControl}`);
  doc.end();
  return output.done;
}
