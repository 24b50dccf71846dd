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
import { joinPointer, splitPointer } from './pointer.js';
import type { ParsedSource } from './yaml-source.js';

/** `${NAME}` or `${NAME:-default}`; `$${...}` is a literal `${...}`. */
const VARIABLE = /\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** The value that deletes a key of an earlier file in an overlay. */
export const REMOVE_MARKER = '$remove';

/**
 * Replace `${VAR}` references in every string of the document, map keys
 * included. A plain (unquoted) YAML scalar that is exactly one reference
 * takes the type its text has in YAML (so `x-max-length: ${MAX_LEN:-1000}`
 * is the integer 1000); a quoted one, any JSON string, a key, and any other
 * text stay strings. An undefined variable without a default is an error at
 * its scalar; so is a key that becomes empty or equal to another key of its
 * map. Locations still point into the text: a pointer through a substituted
 * key is mapped back to the key as written.
 */
export function substituteVariables(src: ParsedSource, variables: Readonly<Record<string, string | undefined>>): ParsedSource {
  const diagnostics: Diagnostic[] = [];
  /** Per map (by its pointer as written): substituted key → key as written, for the keys that changed. */
  const renames = new Map<string, Map<string, string>>();
  const walk = (value: unknown, pointer: string): unknown => {
    if (typeof value === 'string') return substituteValue(value, pointer);
    if (Array.isArray(value)) return value.map((v, i) => walk(v, joinPointer(pointer, i)));
    if (isPlainObject(value)) {
      const keys = Object.keys(value);
      if (!keys.some((k) => k.includes('${'))) {
        const out: Record<string, unknown> = {};
        for (const k of keys) setEntry(out, k, walk(value[k], joinPointer(pointer, k)));
        return out;
      }
      return walkRenamed(value, keys, pointer);
    }
    return value;
  };
  const walkRenamed = (value: Record<string, unknown>, keys: readonly string[], pointer: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const written = new Map<string, string>();
    for (const k of keys) {
      const here = joinPointer(pointer, k);
      // A key with an unset variable stays as written (the error is reported), so its contents are still checked.
      const key = (k.includes('${') ? substituteText(k, here, 'key') : k) ?? k;
      if (key === '') {
        diagnostics.push(
          diagnostic('VARIABLE_EMPTY_KEY', `key \`${k}\` is empty after substitution; set its variables to a non-empty value or give a default with \${NAME:-value}`, src.locateNearest(here, 'key')),
        );
        continue;
      }
      const earlier = written.get(key);
      if (earlier !== undefined) {
        const first = src.locateNearest(joinPointer(pointer, earlier), 'key');
        const message =
          `duplicate key \`${key}\` after substitution: \`${k}\` here and \`${earlier}\` at line ${first.line}, column ${first.column} are the same name; ` +
          `rename one of them or change the variables`;
        diagnostics.push(diagnostic('DUPLICATE_KEY', message, src.locateNearest(here, 'key')));
        continue;
      }
      written.set(key, k);
      if (key !== k) {
        let map = renames.get(pointer);
        if (!map) renames.set(pointer, (map = new Map()));
        map.set(key, k);
      }
      setEntry(out, key, walk(value[k], here));
    }
    return out;
  };
  const substituteValue = (text: string, pointer: string): unknown => {
    if (!text.includes('${')) return text;
    const replaced = substituteText(text, pointer, 'value');
    if (replaced === undefined) return text;
    const whole = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/.test(text) && src.isPlainScalar?.(pointer) === true;
    return whole ? scalarOf(replaced) : replaced;
  };
  /** The text with its references replaced; undefined (and an error) when a variable is not set. */
  const substituteText = (text: string, pointer: string, at: 'key' | 'value'): string | undefined => {
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
          src.locateNearest(pointer, at),
        ),
      );
      return whole;
    });
    return missing ? undefined : replaced;
  };
  if (src.value === undefined) return src;
  const value = walk(src.value, '');
  const result: ParsedSource = { ...src, value, diagnostics: [...src.diagnostics, ...diagnostics] };
  if (renames.size === 0) return result;
  /** The pointer as written in the text, for a pointer through substituted keys. */
  const written = (pointer: string): string => {
    let out = '';
    for (const segment of splitPointer(pointer)) out = joinPointer(out, renames.get(out)?.get(segment) ?? segment);
    return out;
  };
  const reported = (loc: SourceLocation, pointer: string): SourceLocation => ({ ...loc, path: pointer });
  return {
    ...result,
    locate: (pointer, at) => {
      const loc = src.locate(written(pointer), at);
      return loc && reported(loc, pointer);
    },
    locateNearest: (pointer, at) => reported(src.locateNearest(written(pointer), at), pointer),
    ...(src.isPlainScalar ? { isPlainScalar: (pointer: string) => src.isPlainScalar?.(written(pointer)) === true } : {}),
  };
}

/** `out[key] = value`, also for a key like `__proto__` that a variable may produce. */
function setEntry(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
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
