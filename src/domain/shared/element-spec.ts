/**
 * Element shapes as data (name, required and optional attributes) and the typed read of an
 * element's attributes by its shape. Shared by every document kind.
 */
import type { XmlElement } from '../../intake/xml-tree.js';

export interface ElementSpec<R extends string = string, O extends string = string> {
  readonly name: string;
  readonly required: readonly R[];
  readonly optional: readonly O[];
  readonly all: readonly (R | O)[];
  readonly allowed: ReadonlySet<string>;
}

export function spec<const R extends string, const O extends string>(name: string, required: readonly R[], optional: readonly O[]): ElementSpec<R, O> {
  const all = [...required, ...optional];
  return Object.freeze({ name, required, optional, all, allowed: new Set<string>(all) });
}

/** The attribute values of an element: undefined when absent, '' when written empty. */
export type AttributesOf<S> = S extends ElementSpec<infer R, infer O> ? { readonly [K in R | O]: string | undefined } : never;

/** One pass over the element's attributes, keeping those the spec defines. */
export function readAttributes<S extends ElementSpec>(element: XmlElement, spec: S): AttributesOf<S> {
  const out: Record<string, string | undefined> = {};
  for (const name of spec.all) out[name] = undefined;
  for (const a of element.attributes) {
    if (spec.allowed.has(a.name) && out[a.name] === undefined) out[a.name] = a.value;
  }
  return out as AttributesOf<S>;
}

/** A value that is written and not empty. Optional attributes written as '' count as absent. */
export function given(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}
