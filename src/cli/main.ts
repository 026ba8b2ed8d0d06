import { parseArgs } from 'node:util';
import { CliError, EXIT } from './cli-error.js';
import { cadena, sign, verify } from './commands/documents.js';
import { download, status, upload } from './commands/lotes.js';
import { pack } from './commands/pack.js';
import { seed } from './commands/seed.js';
import { Connection } from './connection.js';

const USAGE = `metmec — tools for institutions using the SEP títulos electrónicos service (and metmec)

Documents (offline):
  metmec cadena FILE [--escape-xml]             print each signer's cadena original
  metmec sign FILE --cer C --key K --password P [--out OUT]
                                                sign the FirmaResponsable whose curp is the certificate's
  metmec verify FILE [--cve-institucion C] [--signer CER]... [--verbose]
                                                run the service's checks on one XML
  metmec pack DIR [--out lote.zip]              zip the *.xml files of DIR, flat

Service (online; --url or METMEC_URL, default http://127.0.0.1:3000):
  metmec upload FILE [--wait] [--verbose]        upload a zip or one XML as a lote
  metmec status LOTE [--verbose]                 status and, once processed, every file's result
  metmec download LOTE [--out FILE]              save SEP's results package and print its sheet
  metmec seed FILE [--token T]                   apply a seed document (admin API)

Credentials: --usuario/--password, or METMEC_USUARIO/METMEC_PASSWORD; otherwise the demo
institution of fixtures/demo/demo.json. Admin token: --token or METMEC_ADMIN_TOKEN.
Exit codes: 0 ok, 1 the document or lote has problems, 2 usage error, 3 service or I/O failure.`;

const OPTIONS = {
  url: { type: 'string' },
  usuario: { type: 'string' },
  password: { type: 'string' },
  token: { type: 'string' },
  cer: { type: 'string' },
  key: { type: 'string' },
  out: { type: 'string' },
  signer: { type: 'string', multiple: true },
  'cve-institucion': { type: 'string' },
  'escape-xml': { type: 'boolean' },
  wait: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runCli(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${USAGE}`, EXIT.USAGE);
  }
  const { values, positionals } = parsed;
  const [command, argument] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? EXIT.OK : EXIT.USAGE;
  }
  const need = (what: string): string => {
    if (!argument) throw new CliError(`${command} needs ${what}\n\n${USAGE}`, EXIT.USAGE);
    return argument;
  };
  const lote = (): number => {
    const text = need('a numeroLote');
    if (!/^\d+$/.test(text)) throw new CliError(`numeroLote must be a number; found ${JSON.stringify(text)}`, EXIT.USAGE);
    return Number(text);
  };
  const connection = () => new Connection({ url: values.url, usuario: values.usuario, password: values.password, token: values.token });
  const escapeXml = values['escape-xml'] ?? false;
  const verbose = values.verbose ?? false;

  switch (command) {
    case 'cadena':
      return cadena(need('an XML file'), escapeXml);
    case 'sign': {
      const file = need('an XML file');
      if (!values.cer || !values.key || values.password === undefined) throw new CliError('sign needs --cer, --key and --password', EXIT.USAGE);
      return sign(file, { cer: values.cer, key: values.key, password: values.password, out: values.out, escapeXml });
    }
    case 'verify':
      return verify(need('an XML file'), { cveInstitucion: values['cve-institucion'], signers: values.signer ?? [], escapeXml, verbose });
    case 'pack':
      await pack(need('a directory'), values.out);
      return EXIT.OK;
    case 'upload':
      return upload(connection(), need('a zip or XML file'), { wait: values.wait ?? false, verbose });
    case 'status':
      return status(connection(), lote(), verbose);
    case 'download':
      return download(connection(), lote(), values.out);
    case 'seed':
      return seed(connection(), need('a seed file'));
    default:
      throw new CliError(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`, EXIT.USAGE);
  }
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  try {
    process.exitCode = await runCli(argv);
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`metmec: ${error.message}`);
      process.exitCode = error.exitCode;
      return;
    }
    console.error(error);
    process.exitCode = EXIT.FAILURE;
  }
}
