import { repoPath } from '../../src/repo-path.js';

/**
 * A file of the shared reference folder beside the repository (`../shared/reference/`), where CI
 * and developers have SEP's WSDL and SAT's public test certificates. Never copied into the project.
 */
export function sharedReference(...parts: string[]): string {
  return repoPath('..', 'shared', 'reference', ...parts);
}
