/** Shared by the CLI tests (not a test file itself): runs the CLI in-process. */
import { CliError } from '../../src/cli/cli-error.js';
import { runCli } from '../../src/cli/main.js';

/** Runs the CLI in-process and returns its exit code and what it printed (a CliError's message last). */
export async function cli(...argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...parts: unknown[]) => lines.push(parts.join(' '));
  try {
    return { code: await runCli(argv), out: lines.join('\n') };
  } catch (error) {
    if (error instanceof CliError) return { code: error.exitCode, out: `${lines.join('\n')}\n${error.message}` };
    throw error;
  } finally {
    console.log = original;
  }
}
