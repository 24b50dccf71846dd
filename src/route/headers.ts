import type { ArgValue, Args } from '../model/types.js';

/**
 * Headers-exchange matching (rabbitmq-semantics.md §6 "Headers", §7 "3.13").
 *
 * Value comparison depends on the broker version:
 * - `loose` (before 3.13): Erlang `==`, so the number 1 matches 1.0;
 * - `strict` (3.13 and later, and the default when the version is unknown):
 *   Erlang `=:=`, so an integer never equals a float.
 *
 * Limitation: values arrive as JSON, which cannot tell `1` from `1.0`. A JS
 * integer is taken as an AMQP integer and any other number as a float, so the
 * two modes only differ for values the JSON cannot express (`1.0` parses as
 * the integer 1). AMQP integer widths (byte, short, long) are not modelled;
 * from 3.13 the broker ignores them too, and 3.10 compared them with `==`.
 * Strings never equal numbers, and `true` never equals `"true"`, in both modes.
 */
export type HeadersComparison = 'loose' | 'strict';

export const X_MATCH_MODES = ['all', 'any', 'all-with-x', 'any-with-x'] as const;
export type XMatchMode = (typeof X_MATCH_MODES)[number];

/**
 * The comparison a broker of `version` uses: `loose` before 3.13, `strict`
 * from 3.13, and `strict` (the newest behaviour) when the version is unknown
 * or unparseable.
 */
export function headersComparisonFor(version: string | undefined): HeadersComparison {
  if (version === undefined) return 'strict';
  const m = /^v?(\d+)\.(\d+)/.exec(version.trim());
  if (!m) return 'strict';
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major < 3 || (major === 3 && minor < 13) ? 'loose' : 'strict';
}

/** The binding's `x-match` mode, or undefined when the value is not one the broker accepts (406 at bind time). */
export function xMatchMode(bindingArgs: Args): XMatchMode | undefined {
  const raw = bindingArgs['x-match'];
  if (raw === undefined) return 'all';
  return (X_MATCH_MODES as readonly ArgValue[]).includes(raw) ? (raw as XMatchMode) : undefined;
}

/** The binding arguments that take part in matching under `mode`. */
export function matchedArgs(bindingArgs: Args, mode: XMatchMode): [string, ArgValue][] {
  const withX = mode === 'all-with-x' || mode === 'any-with-x';
  return Object.entries(bindingArgs).filter(([k]) => k !== 'x-match' && (withX || !k.startsWith('x-')));
}

/**
 * Does a headers binding with `bindingArgs` match a message with `headers`?
 * Returns undefined when the binding's `x-match` is invalid (the broker would
 * have refused the binding).
 *
 * `all` with no matching arguments matches every message (even one without
 * headers); `any` with none matches nothing. A binding value of `null` (AMQP
 * void) only tests that the header is present.
 */
export function headersMatch(
  bindingArgs: Args,
  headers: Readonly<Record<string, ArgValue>> | undefined,
  comparison: HeadersComparison,
): boolean | undefined {
  const mode = xMatchMode(bindingArgs);
  if (mode === undefined) return undefined;
  const h = headers ?? {};
  const one = ([k, v]: [string, ArgValue]): boolean => {
    if (!Object.prototype.hasOwnProperty.call(h, k)) return false;
    if (v === null) return true;
    return argValuesEqual(v, h[k] as ArgValue, comparison);
  };
  const args = matchedArgs(bindingArgs, mode);
  return mode === 'all' || mode === 'all-with-x' ? args.every(one) : args.some(one);
}

/** Broker equality of two AMQP values (see `HeadersComparison`). */
export function argValuesEqual(a: ArgValue, b: ArgValue, comparison: HeadersComparison): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === 'number' && typeof b === 'number') {
    return comparison === 'loose' ? a === b : a === b && Number.isInteger(a) === Number.isInteger(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => argValuesEqual(x, b[i] as ArgValue, comparison));
  }
  if (typeof a === 'object' || typeof b === 'object') {
    if (typeof a !== 'object' || typeof b !== 'object') return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && argValuesEqual(a[k] as ArgValue, b[k] as ArgValue, comparison));
  }
  return a === b;
}
