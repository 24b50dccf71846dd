/**
 * JSON Schema validation of a parsed document (ajv, draft 2020-12), with each
 * ajv error turned into a diagnostic that points at the offending node.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic } from '../model/diagnostics.js';
import type { ParsedSource } from './yaml-source.js';
import { DEFINITIONS_SCHEMA } from './definitions-schema.js';
import { describeField, describeSegments, describeValue, isRecord } from './describe.js';
import { joinPointer, splitPointer } from './pointer.js';
import { closest } from './suggest.js';

export type SpecFormat = 'native' | 'definitions';

/** The same path from `src/spec/` and from the built `dist/spec/`. */
const TOPOLOGY_SCHEMA_URL = new URL('../../schema/topology.schema.json', import.meta.url);

let topologySchemaCache: Record<string, unknown> | undefined;

/** `schema/topology.schema.json`, the single source of truth of the native format. */
export function topologySchema(): Record<string, unknown> {
  topologySchemaCache ??= JSON.parse(readFileSync(TOPOLOGY_SCHEMA_URL, 'utf8')) as Record<string, unknown>;
  return topologySchemaCache;
}

const validators = new Map<SpecFormat, ValidateFunction>();

function validatorFor(format: SpecFormat): ValidateFunction {
  let v = validators.get(format);
  if (!v) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true, logger: false });
    v = ajv.compile(format === 'native' ? topologySchema() : DEFINITIONS_SCHEMA);
    validators.set(format, v);
  }
  return v;
}

/** Schema diagnostics of a document; none means it has the right shape. */
export function checkSchema(src: ParsedSource, format: SpecFormat): Diagnostic[] {
  const validate = validatorFor(format);
  if (validate(src.value)) return [];
  const errors = dropCascades(validate.errors ?? []);
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const e of errors) {
    const d = toDiagnostic(e, src, format);
    const id = `${d.code}\u0000${d.path ?? ''}\u0000${d.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(d);
  }
  return out;
}

const COMBINATORS = new Set(['oneOf', 'anyOf', 'if', 'then', 'else', 'not']);

/** A failed oneOf/anyOf repeats what its branches said: keep the branches' errors. */
function dropCascades(errors: readonly ErrorObject[]): ErrorObject[] {
  const specific = errors.filter((e) => !COMBINATORS.has(e.keyword));
  return specific.length > 0 ? specific : [...errors];
}

function toDiagnostic(e: ErrorObject, src: ParsedSource, format: SpecFormat): Diagnostic {
  const segments = splitPointer(e.instancePath);
  const label = describeField(segments, src.value, format);
  const parentSchema: unknown = e.parentSchema;
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String((e.params as { additionalProperty: string }).additionalProperty);
      const path = joinPointer(e.instancePath, prop);
      const known = isRecord(parentSchema) && isRecord(parentSchema['properties']) ? Object.keys(parentSchema['properties']) : [];
      const owner = describeSegments(segments, src.value, format) ?? label;
      const message = `unknown property \`${prop}\` in ${owner}${unknownHint(prop, known, format)}`;
      return diagnostic('SCHEMA_UNKNOWN_PROPERTY', message, src.locateNearest(path, 'key'), format === 'definitions' ? 'warning' : 'error');
    }
    case 'required': {
      const prop = String((e.params as { missingProperty: string }).missingProperty);
      const what = propertyDescription(parentSchema, prop);
      const owner = describeSegments(segments, src.value, format) ?? label;
      const message = `${owner} is missing the required property \`${prop}\`${what ? ` (${what})` : ''}; add it`;
      return diagnostic('SCHEMA_REQUIRED', message, src.locateNearest(e.instancePath, 'key'));
    }
    case 'type': {
      const expected = String((e.params as { type: string | string[] }).type).split(',');
      const got = isSecretField(segments) ? secretShape(e.data) : `${describeValue(e.data)}${typeHint(expected, e.data, segments)}`;
      const message = `${label} must be ${expected.map(typeWord).filter((w) => w !== '').join(' or ')}, got ${got}`;
      return diagnostic('SCHEMA_TYPE', message, src.locateNearest(e.instancePath));
    }
    case 'enum':
    case 'const': {
      const allowed: unknown[] =
        e.keyword === 'enum' ? [...(e.params as { allowedValues: unknown[] }).allowedValues] : [(e.params as { allowedValue: unknown }).allowedValue];
      const shown = allowed.filter((v) => v !== 'undefined').map((v) => String(v));
      const mean = typeof e.data === 'string' ? closest(e.data, shown) : undefined;
      const version = segments.length === 1 && segments[0] === 'version' ? '; this version of Warren reads format version 1' : '';
      const choice = shown.length === 1 ? `${shown[0] ?? ''}` : `one of ${shown.join(', ')}`;
      const message = isSecretField(segments)
        ? `${label} must be ${choice}, got ${secretShape(e.data)}`
        : `${label} must be ${choice}, got ${describeValue(e.data)}${mean !== undefined ? `; did you mean \`${mean}\`?` : version}`;
      return diagnostic('SCHEMA_ENUM', message, src.locateNearest(e.instancePath));
    }
    case 'maxItems':
      // Only the map fields that accept an empty list (as old exports write it) have it at 0.
      if ((e.params as { limit: number }).limit === 0) {
        return diagnostic('SCHEMA_TYPE', `${label} must be a map, got a non-empty list; write a map (\`key: value\`), or \`[]\` for none`, src.locateNearest(e.instancePath));
      }
      return diagnostic('SCHEMA_INVALID', `${label} ${e.message ?? 'is invalid'}`, src.locateNearest(e.instancePath));
    default:
      return diagnostic('SCHEMA_INVALID', `${label} ${e.message ?? 'is invalid'}`, src.locateNearest(e.instancePath));
  }
}

/** Fields that hold a password, a hash or a URI that may carry credentials (a list item of one too). */
const SECRET_FIELDS: ReadonlySet<string> = new Set(['password', 'password_hash', 'uri', 'src-uri', 'dest-uri']);

function isSecretField(segments: readonly string[]): boolean {
  const last = segments[segments.length - 1] ?? '';
  const parent = segments[segments.length - 2] ?? '';
  return SECRET_FIELDS.has(last) || (/^\d+$/.test(last) && SECRET_FIELDS.has(parent));
}

/** What a secret field holds, without its value (errors never repeat a secret). */
function secretShape(data: unknown): string {
  const kind = data === null ? 'null' : Array.isArray(data) ? 'a list' : typeof data === 'object' ? 'a map' : `a ${typeof data}`;
  return `${kind} (its value is not shown: the field holds a secret)${typeof data === 'number' || typeof data === 'boolean' ? '; write it in quotes' : ''}`;
}

function unknownHint(prop: string, known: readonly string[], format: SpecFormat): string {
  const c = closest(prop, known);
  if (c !== undefined) return `; did you mean \`${c}\`?`;
  if (format === 'definitions') return '; it is ignored';
  if (prop === 'name') return '; a resource is named by its key in the map (e.g. `hipri:` under `queues:`)';
  if (prop === 'vhost') return '; a resource belongs to the vhost it is listed under';
  if (prop.startsWith('x-')) return `; arguments go under \`arguments:\`${known.includes('arguments') ? '' : ' of a queue or exchange'}`;
  return known.length > 0 ? `; allowed here: ${known.join(', ')}` : '';
}

function typeWord(t: string): string {
  switch (t) {
    case 'object':
      return 'a map';
    case 'array':
      return 'a list';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean (true or false)';
    case 'integer':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'null':
      return '';
    default:
      return t;
  }
}

function typeHint(expected: readonly string[], data: unknown, segments: readonly string[]): string {
  if (expected.includes('boolean') && typeof data === 'string') {
    const lower = data.toLowerCase();
    if (['true', 'yes', 'on', 'y'].includes(lower)) return '; write true without quotes';
    if (['false', 'no', 'off', 'n'].includes(lower)) return '; write false without quotes';
    return '; write true or false';
  }
  if (expected.includes('string') && (typeof data === 'number' || typeof data === 'boolean')) {
    return `; write it in quotes: "${String(data)}"`;
  }
  if ((expected.includes('integer') || expected.includes('number')) && typeof data === 'string' && data.trim() !== '' && Number.isFinite(Number(data))) {
    return `; write ${data.trim()} without quotes`;
  }
  if (expected.includes('object') && Array.isArray(data)) {
    const section = segments[segments.length - 1];
    return section === 'exchanges' || section === 'queues' || section === 'vhosts'
      ? '; write a map keyed by name (`name:` then its fields), not a list'
      : '; write a map (`key: value`), not a list';
  }
  if (expected.includes('object') && typeof data === 'string' && segments[segments.length - 2] === 'exchanges') {
    return `; write { type: ${data} }`;
  }
  if (expected.includes('array') && isRecord(data)) return '; write a list (items starting with `- `), not a map';
  return '';
}

function propertyDescription(schema: unknown, prop: string): string | undefined {
  if (!isRecord(schema) || !isRecord(schema['properties'])) return undefined;
  const p = schema['properties'][prop];
  if (!isRecord(p) || typeof p['description'] !== 'string') return undefined;
  const first = /^.*?(?=\.\s|\.$|$)/.exec(p['description'])?.[0] ?? p['description'];
  return first.replace(/^./, (c) => c.toLowerCase());
}
