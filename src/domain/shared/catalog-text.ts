const COMBINING_MARKS = /[\u0300-\u036f]/g;

/** Tells an operator what kind of difference it is, since trailing spaces are invisible in most UIs. */
export function describeTextDifference(expected: string, found: string): string {
  if (found.trim() === expected) return 'differs only by leading or trailing spaces';
  if (found.toUpperCase() === expected.toUpperCase()) return 'differs only in letter case';
  const strip = (s: string) => s.normalize('NFD').replace(COMBINING_MARKS, '');
  if (strip(found) === strip(expected)) return 'differs only in accents';
  return 'differs from the catalog text';
}
