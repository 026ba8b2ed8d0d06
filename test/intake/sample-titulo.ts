/**
 * A realistic TituloElectronico (one signer, 46 attributes, about 3.4 KB) for intake tests and the
 * throughput measurement. The certificate and sello are deterministic filler, not real crypto.
 */
import { createHash } from 'node:crypto';

function filler(seed: string, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += createHash('sha512').update(`${seed}${i}`).digest('base64').replace(/=+$/, '');
  return out.slice(0, length);
}

export function sampleTituloXml(folioControl = 'FOLIO-0001'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<TituloElectronico xmlns="https://www.siged.sep.gob.mx/titulos/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="1.0" folioControl="${folioControl}" xsi:schemaLocation="https://www.siged.sep.gob.mx/titulos/ schema.xsd">
  <FirmaResponsables>
    <FirmaResponsable nombre="MARÍA JOSÉ" primerApellido="PEÑA" segundoApellido="NÚÑEZ" curp="PENM800101MDFXXX01" idCargo="3" cargo="RECTOR" abrTitulo="DRA." sello="${filler('sello', 344)}" certificadoResponsable="${filler('cert', 1420)}" noCertificadoResponsable="00001000000500000001"/>
  </FirmaResponsables>
  <Institucion cveInstitucion="090001" nombreInstitucion="UNIVERSIDAD DE EJEMPLO &amp; ASOCIADOS"/>
  <Carrera cveCarrera="123456" nombreCarrera="LICENCIATURA EN DERECHO" fechaInicio="2015-08-01" fechaTerminacion="2019-07-01" idAutorizacionReconocimiento="1" autorizacionReconocimiento="RVOE FEDERAL" numeroRvoe="2015001"/>
  <Profesionista curp="GOAJ970101HDFXXX02" nombre="JUAN" primerApellido="GÓMEZ" segundoApellido="ACUÑA" correoElectronico="juan@example.mx"/>
  <Expedicion fechaExpedicion="2020-01-15" idModalidadTitulacion="1" modalidadTitulacion="POR TESIS" fechaExamenProfesional="2019-12-01" cumplioServicioSocial="1" idFundamentoLegalServicioSocial="1" fundamentoLegalServicioSocial="ART. 52 LRART. 5 CONST" idEntidadFederativa="09" entidadFederativa="CIUDAD DE MÉXICO"/>
  <Antecedente institucionProcedencia="PREPARATORIA DE EJEMPLO" idTipoEstudioAntecedente="4" tipoEstudioAntecedente="BACHILLERATO" idEntidadFederativa="09" entidadFederativa="CIUDAD DE MÉXICO" fechaInicio="2012-08-01" fechaTerminacion="2015-07-01" noCedula=""/>
</TituloElectronico>
`;
}

export const TITULOS_NS = 'https://www.siged.sep.gob.mx/titulos/';
