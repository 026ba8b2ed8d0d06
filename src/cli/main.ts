import { parseArgs } from 'node:util';
import { cancellationTarget, numeroLote, operandsOf, serviceDate, uuid } from './arguments.js';
import { CliError, EXIT } from './cli-error.js';
import { certificado, folioNew, folioPay, folioStatus, mecCancel, mecStatus, mecUpload } from './commands/certificados.js';
import { cadena, sign, verify } from './commands/documents.js';
import { download, status, upload } from './commands/lotes.js';
import { pack } from './commands/pack.js';
import { planImport } from './commands/planes.js';
import { seed } from './commands/seed.js';
import { Connection } from './connection.js';
import { USAGE, usage } from './usage.js';

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
  date: { type: 'string' },
  metodo: { type: 'string' },
  'folio-digital': { type: 'string' },
  'folio-control': { type: 'string' },
  folio: { type: 'string' },
  motivo: { type: 'string' },
  wait: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runCli(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? EXIT.OK : EXIT.USAGE;
  }
  const operands = operandsOf(command, rest);
  const connection = () => new Connection({ url: values.url, usuario: values.usuario, password: values.password, token: values.token });
  const escapeXml = values['escape-xml'] ?? false;
  const verbose = values.verbose ?? false;
  const wait = values.wait ?? false;

  switch (command) {
    case 'cadena':
      return cadena(operands('an XML file')[0], escapeXml);
    case 'sign': {
      const [file] = operands('an XML file');
      if (!values.cer || !values.key || values.password === undefined) throw usage('sign needs --cer, --key and --password');
      return sign(file, { cer: values.cer, key: values.key, password: values.password, out: values.out, escapeXml });
    }
    case 'verify':
      return verify(operands('an XML file')[0], { cveInstitucion: values['cve-institucion'], signers: values.signer ?? [], escapeXml, verbose, today: serviceDate(values.date) });
    case 'pack':
      await pack(operands('a directory')[0], values.out);
      return EXIT.OK;
    case 'upload':
      return upload(connection(), operands('a zip or XML file')[0], { wait, verbose });
    case 'status':
      return status(connection(), numeroLote(operands('a numeroLote')[0]), verbose);
    case 'download':
      return download(connection(), numeroLote(operands('a numeroLote')[0]), values.out);
    case 'seed':
      return seed(connection(), operands('a seed file')[0]);
    case 'folio':
      return folio(rest, values.metodo, connection);
    case 'mec-upload': {
      const [folioNumber, file] = operands('a folio', 'a zip or XML file');
      return mecUpload(connection(), folioNumber, file, { wait, verbose });
    }
    case 'mec-status':
      return mecStatus(connection(), numeroLote(operands('a numeroLote')[0]), verbose);
    case 'certificado': {
      const folioControl = values['folio-control'];
      const target = folioControl === undefined ? { folioDigital: uuid(operands('a folioDigital (or --folio-control X)')[0]) } : (operands(), { folioControl });
      if (!values.out) throw usage('certificado needs --out FILE.xml or --out FILE.pdf');
      return certificado(connection(), target, values.out);
    }
    case 'mec-cancel':
      operands(); // the target is named by an option
      return mecCancel(connection(), cancellationTarget(values['folio-digital'], values['folio-control'], values.folio), values.motivo);
    case 'plan': {
      if (rest[0] !== 'import') throw usage(`plan has one subcommand, import; found ${JSON.stringify(rest[0] ?? null)}`);
      const [, file] = operands('import', 'a layout file (.xlsx or .json)');
      const cve = values['cve-institucion'];
      if (!cve || !/^\d{6}$/.test(cve)) throw usage(`plan import needs --cve-institucion with the institution's six-digit clave; found ${JSON.stringify(cve ?? null)}`);
      return planImport(connection(), file, cve);
    }
    default:
      throw usage(`unknown command ${JSON.stringify(command)}`);
  }
}

/** `folio new N`, `folio pay FOLIO --metodo M`, `folio status FOLIO`. */
function folio(args: readonly string[], metodo: string | undefined, connection: () => Connection): Promise<number> {
  const [sub, ...rest] = args;
  const operands = operandsOf(`folio ${sub ?? ''}`.trim(), rest);
  switch (sub) {
    case 'new': {
      const [n] = operands('the number of certificados');
      if (!/^[1-9]\d*$/.test(n)) throw usage(`folio new needs the number of certificados, a whole number from 1; found ${JSON.stringify(n)}`);
      return folioNew(connection(), Number(n));
    }
    case 'pay': {
      const [folioNumber] = operands('a folio');
      if (metodo !== 'linea-de-captura' && metodo !== 'tarjeta') throw usage(`folio pay needs --metodo linea-de-captura or --metodo tarjeta; found ${JSON.stringify(metodo ?? null)}`);
      return folioPay(connection(), folioNumber, metodo);
    }
    case 'status':
      return folioStatus(connection(), operands('a folio')[0]);
    default:
      throw usage(`folio needs new, pay or status; found ${JSON.stringify(sub ?? null)}`);
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
