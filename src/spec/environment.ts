/**
 * Environments: `${VAR}` / `${VAR:-default}` variables and overlay files
 * (`-f base.yaml -f prod.yaml`), applied to parsed sources before schema
 * validation. Positions survive: a substituted value keeps the location of
 * the scalar it replaced, and a merged value the location in the file that
 * contributed it.
 */
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic } from '../model/diagnostics.js';
import type { SourceLocation } from '../model/types.js';
import { joinPointer } from './pointer.js';
import type { ParsedSource } from './yaml-source.js';

/** `${NAME}` or `${NAME:-default}`; `$${...}` is a literal `${...}`. */
const VARIABLE = /\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** The value that deletes a key of an earlier file in an overlay. */
export const REMOVE_MARKER = '$remove';

/**
 * Replace `${VAR}` references in every string of the document. A string that
 * is exactly one reference takes the type its text has in YAML (so
 * `x-max-length: ${MAX_LEN:-1000}` is the integer 1000); anything else stays
 * a string. An undefined variable without a default is an error at its
 * scalar.
 */
export function substituteVariables(src: ParsedSource, variables: Readonly<Record<string, string | undefined>>): ParsedSource {
  const diagnostics: Diagnostic[] = [];
  const walk = (value: unknown, pointer: string): unknown => {
    if (typeof value === 'string') return substituteString(value, pointer);
    if (Array.isArray(value)) return value.map((v, i) => walk(v, joinPointer(pointer, i)));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, joinPointer(pointer, k));
      return out;
    }
    return value;
  };
  const substituteString = (text: string, pointer: string): unknown => {
    if (!text.includes('${')) return text;
    let missing = false;
    const replaced = text.replace(VARIABLE, (whole, escaped: string | undefined, name: string, fallback: string | undefined) => {
      if (escaped) return whole.slice(1);
      const v = variables[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      if (v !== undefined) return v;
      missing = true;
      diagnostics.push(
        diagnostic(
          'VARIABLE_UNDEFINED',
          `variable \${${name}} is not set; export ${name}=…, pass --var ${name}=…, or give a default with \${${name}:-value}`,
          src.locateNearest(pointer, 'value'),
        ),
      );
      return whole;
    });
    if (missing) return text;
    const whole = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/.test(text);
    return whole ? scalarOf(replaced) : replaced;
  };
  if (src.value === undefined) return src;
  const value = walk(src.value, '');
  return { ...src, value, diagnostics: [...src.diagnostics, ...diagnostics] };
}

/** The YAML 1.2 core-schema reading of a plain scalar's text. */
function scalarOf(text: string): unknown {
  if (/^-?(0|[1-9][0-9]*)$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : text;
  }
  if (/^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null' || text === '~') return null;
  return text;
}

/**
 * Deep-merge later sources over earlier ones: maps merge key by key, any
 * other value (lists included) replaces, and the value `$remove` deletes the
 * key. Locations come from the last source that has a node at the pointer.
 */
export function overlaySources(sources: readonly ParsedSource[]): ParsedSource {
  const first = sources[0];
  if (!first) throw new Error('overlaySources needs at least one source');
  if (sources.length === 1) return first;
  let value: unknown = undefined;
  for (const s of sources) value = value === undefined ? stripRemoves(s.value) : mergeValue(value, s.value);
  const locate = (pointer: string, at?: 'key' | 'value'): SourceLocation | undefined => {
    for (let i = sources.length - 1; i >= 0; i--) {
      const found = sources[i]?.locate(pointer, at);
      if (found) return found;
    }
    return undefined;
  };
  return {
    file: sources.map((s) => s.file).join(' + '),
    value,
    diagnostics: sources.flatMap((s) => s.diagnostics),
    locate,
    locateNearest: (pointer, at) => locate(pointer, at) ?? (sources.at(-1) as ParsedSource).locateNearest(pointer, at),
  };
}

function mergeValue(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return stripRemoves(over);
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === REMOVE_MARKER) delete out[k];
    else out[k] = k in out ? mergeValue(out[k], v) : stripRemoves(v);
  }
  return out;
}

/** A `$remove` with nothing to remove is simply absent. */
function stripRemoves(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== REMOVE_MARKER) out[k] = stripRemoves(v);
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
