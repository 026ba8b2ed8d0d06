import { systemClock } from '../clock.js';
import { mexicoCityDate } from '../domain/dates.js';
import { isIsoDate } from '../domain/shared/formats.js';
import type { CancellationTarget } from './commands/certificados.js';
import { CliError, EXIT } from './cli-error.js';
import { usage } from './usage.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The operands a command takes, each required; one more than it takes is a usage error too. */
export function operandsOf(command: string, given: readonly string[]) {
  return <W extends string[]>(...what: W): { [K in keyof W]: string } => {
    if (given.length > what.length) throw usage(`${command} takes ${what.length === 0 ? 'no operand' : what.join(', ')}; unexpected ${JSON.stringify(given[what.length])}`);
    return what.map((w, i) => {
      const value = given[i];
      if (value === undefined) throw usage(`${command} needs ${w}`);
      return value;
    }) as { [K in keyof W]: string };
  };
}

export function numeroLote(text: string): number {
  if (!/^\d+$/.test(text)) throw new CliError(`numeroLote must be a number; found ${JSON.stringify(text)}`, EXIT.USAGE);
  return Number(text);
}

/** Exactly one of the three ways to name what to cancel. */
export function cancellationTarget(folioDigital: string | undefined, folioControl: string | undefined, folio: string | undefined): CancellationTarget {
  const given = [folioDigital, folioControl, folio].filter((v) => v !== undefined).length;
  if (given !== 1) throw usage(`mec-cancel needs exactly one of --folio-digital, --folio-control or --folio; found ${given}`);
  if (folioDigital !== undefined) return { folioDigital: uuid(folioDigital) };
  return folioControl !== undefined ? { folioControl } : { folio: folio! };
}

export function uuid(folioDigital: string): string {
  if (!UUID.test(folioDigital)) throw usage(`a folioDigital is a UUID, as mec-upload prints it; found ${JSON.stringify(folioDigital)}`);
  return folioDigital;
}

export function serviceDate(date: string | undefined): string {
  if (date === undefined) return mexicoCityDate(systemClock.now());
  if (!isIsoDate(date)) throw usage(`--date must be a calendar date written AAAA-MM-DD; found ${JSON.stringify(date)}`);
  return date;
}
