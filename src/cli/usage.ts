import { CliError, EXIT } from './cli-error.js';

export const USAGE = `metmec — tools for institutions using SEP's títulos (MET) and certificados (MEC) electrónicos services (and metmec)

Documents (offline; a título or a certificado DEC 3.0, told apart by the root element):
  metmec cadena FILE [--escape-xml]             print the cadena original (a título: one per signer)
  metmec sign FILE --cer C --key K --password P [--out OUT]
                                                seal the Dec, or the FirmaResponsable whose curp is the certificate's
  metmec verify FILE [--date AAAA-MM-DD] [--cve-institucion C] [--signer CER]... [--verbose]
                                                run the service's checks on one XML (a DEC: all but the registry's)
  metmec pack DIR [--out lote.zip]              zip the *.xml files of DIR, flat

Títulos (online; --url or METMEC_URL, default http://127.0.0.1:3000):
  metmec upload FILE [--wait] [--verbose]        upload a zip or one XML as a lote
  metmec status LOTE [--verbose]                 status and, once processed, every file's result
  metmec download LOTE [--out FILE]              save SEP's results package and print its sheet

Certificados (online):
  metmec folio new N                             open a folio for N certificados (QA credentials: a test folio)
  metmec folio pay FOLIO --metodo linea-de-captura|tarjeta
                                                pay a production folio (active 48 h / 24 h later)
  metmec folio status FOLIO                      state, payment, attempts used and left, each upload
  metmec mec-upload FOLIO FILE [--wait] [--verbose]
                                                upload the zip (or one XML) of the folio's pending DECs
  metmec mec-status LOTE [--verbose]             an upload's result: SATISFACTORIO or every error, per certificado
  metmec certificado FOLIO_DIGITAL --out FILE.xml|FILE.pdf
  metmec certificado --folio-control X --out FILE.xml|FILE.pdf
                                                download an authenticated certificado: sealed XML or PDF
  metmec mec-cancel --folio-digital U | --folio-control X | --folio F [--motivo TEXT]
                                                cancel a certificado, or every one of a folio

Operators (admin API):
  metmec seed FILE                               apply a seed document
  metmec plan import FILE --cve-institucion C    import study plans (.xlsx or JSON layout, docs/plan-layout.md)

Credentials: --usuario/--password, or METMEC_USUARIO/METMEC_PASSWORD; otherwise the demo
institution of fixtures/demo/demo.json. Admin token: --token or METMEC_ADMIN_TOKEN.
--date: the service date verify checks against (a DEC's authentication date); default today in Mexico City.
Exit codes: 0 ok, 1 the document or lote has problems, 2 usage error, 3 service or I/O failure.`;

/** A usage error (exit 2): what is wrong, then the usage text. */
export function usage(message: string): CliError {
  return new CliError(`${message}\n\n${USAGE}`, EXIT.USAGE);
}
