/**
 * How the XML intake stops: the first failed rule becomes one CheckResult, carried out of the parser
 * by a private exception so the hot path needs no result plumbing.
 */
import { fail } from '../domain/checks.js';
import type { CheckResult } from '../domain/checks.js';
import { SEP_XML } from './messages.js';

export class XmlFailure extends Error {
  constructor(readonly result: CheckResult) {
    super(result.explanation);
    this.name = 'XmlFailure';
  }
}

export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/** 1-based line and column of a UTF-16 offset in the decoded text. */
export function positionOf(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

export interface MalformedDetail {
  readonly expected?: string;
  readonly node?: string;
  readonly attribute?: string;
}

/** An XML-MALFORMED failure at `offset`; `found` carries the line and column. */
export function malformedAt(text: string, offset: number, explanation: string, detail: MalformedDetail = {}): XmlFailure {
  const { line, column } = positionOf(text, offset);
  return new XmlFailure(
    fail('XML-MALFORMED', `The document is not well-formed XML at line ${line}, column ${column}: ${explanation}.`, SEP_XML.syntax(line, column), {
      ...detail,
      found: `line ${line}, column ${column}`,
    }),
  );
}
