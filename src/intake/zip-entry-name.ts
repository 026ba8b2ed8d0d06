/**
 * Which zip entry names are accepted. SEP's clients zip their títulos flat (spec met-titulos §1.4:
 * nested folders were never seen), and the results sheet echoes each inner name, so an entry must be
 * a plain `*.xml` file name at the root: no folders, no paths, nothing a file system would refuse.
 * Folder entries and `__MACOSX/` junk are rejected rather than skipped, so that what was uploaded
 * and what was checked never differ silently.
 */

const MAX_NAME_LENGTH = 255;
// Path separators, drive/stream colons, Windows-reserved characters, controls, and U+FFFD (a name
// that was not valid UTF-8).
const FORBIDDEN = /[/\\:*?"<>|\x00-\x1f\x7f\uFFFD]/;
const XML_EXTENSION = /\.xml$/i;

const FLAT_ADVICE = 'zip the .xml files themselves, flat, without folders';

/** Why `name` is not accepted, in English, or undefined when it is a flat *.xml name. */
export function entryNameProblem(name: string): string | undefined {
  if (name.startsWith('__MACOSX/')) return `it is macOS Finder metadata, not a título; ${FLAT_ADVICE} (for example with "zip -j -X")`;
  if (name.endsWith('/') || name.endsWith('\\')) return `it is a folder; ${FLAT_ADVICE}`;
  if (name.includes('/') || name.includes('\\')) return `it has a folder or path; ${FLAT_ADVICE}`;
  if (name.length === 0) return 'the name is empty';
  if (name.length > MAX_NAME_LENGTH) return `the name is longer than ${MAX_NAME_LENGTH} characters`;
  const forbidden = FORBIDDEN.exec(name);
  if (forbidden !== null) {
    return `the name contains the character U+${forbidden[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}, not allowed in a file name`;
  }
  if (!XML_EXTENSION.test(name) || name.length === 4) return 'it is not an .xml file';
  return undefined;
}

/**
 * Two entries are duplicates when they would land on the same file on Windows or macOS: names are
 * compared case-insensitively and after Unicode NFC normalization (`Título.xml` written precomposed
 * or decomposed is one file there).
 */
export function duplicateKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}
