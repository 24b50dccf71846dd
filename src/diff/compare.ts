import type { FieldChange } from '../model/change.js';
import { canonicalArgs } from '../model/keys.js';
import type { ArgValue, Args, ParamValue, Resource, UserPassword } from '../model/types.js';
import { supports } from '../model/versions.js';
import { passwordMatches } from '../util/password-hash.js';
import { isEnvRef, isSensitive, resolveEnv, type EnvMap } from '../util/sensitive.js';
import { FIELD_RULES, type FieldRule, type Mutability } from './fields.js';

/** What a comparison may depend on beside the two resources. */
export interface CompareContext {
  /** The broker version, for fields whose mutability changed between versions. */
  readonly brokerVersion?: string | null;
  /** Environment variables, for `{ env: NAME }` passwords and URIs. */
  readonly env?: EnvMap;
}

/**
 * Field-level differences between a live and a desired resource of the same
 * key, following the kind's rules. Argument tables are compared key by key,
 * with value classes (1000 and "1000" differ). Secrets are compared by value
 * and reported by their display form only.
 */
export function compareFields(before: Resource, after: Resource, ctx: CompareContext = {}): FieldChange[] {
  const out: FieldChange[] = [];
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  const unset = unsetOf(after);
  for (const rule of FIELD_RULES[after.kind]) {
    if (unset?.includes(rule.field)) continue; // left to the broker (model/defaults)
    const forces = mutabilityOf(rule, ctx) === 'immutable';
    const bv = b[rule.field];
    const av = a[rule.field];
    switch (rule.compare ?? 'value') {
      case 'table':
        out.push(...compareTable(rule.field, (bv ?? {}) as Args, (av ?? {}) as Args, forces));
        break;
      case 'set':
        if (!sameSet(bv, av)) out.push({ field: rule.field, before: bv, after: av, forces_replacement: forces });
        break;
      case 'json':
        out.push(...compareJson(rule.field, bv as ParamValue, av as ParamValue, forces, ctx.env ?? {}));
        break;
      case 'password': {
        const change = comparePassword(bv as UserPassword, av as UserPassword, ctx.env ?? {});
        if (change) out.push({ field: rule.field, ...change, forces_replacement: forces });
        break;
      }
      case 'flag':
        if ((bv === true) !== (av === true)) out.push({ field: rule.field, before: bv === true, after: av === true, forces_replacement: forces });
        break;
      case 'value':
        if (bv !== av) out.push({ field: rule.field, before: bv, after: av, forces_replacement: forces });
        break;
    }
  }
  return out;
}

/** The fields a desired resource leaves to the broker, if any. */
function unsetOf(r: Resource): readonly string[] | undefined {
  return r.kind === 'vhost' || r.kind === 'user' ? r.unset : undefined;
}

/**
 * The desired resource as an update or replace leaves it: the fields it
 * leaves to the broker keep their live values (the broker's PUT overwrites
 * every field, so they are sent as they are), and nothing is left unset.
 */
export function settleUnset<R extends Resource>(want: R, live: Resource): R {
  const unset = unsetOf(want);
  if (unset === undefined || live.kind !== want.kind) return want;
  const out: Record<string, unknown> = { ...want };
  delete out['unset'];
  for (const field of unset) out[field] = (live as unknown as Record<string, unknown>)[field];
  return out as unknown as R;
}

function mutabilityOf(rule: FieldRule, ctx: CompareContext): Mutability {
  if (rule.mutableSince !== undefined && supports(ctx.brokerVersion, rule.mutableSince)) return 'mutable';
  return rule.mutability;
}

function sameSet(x: unknown, y: unknown): boolean {
  const xs = Array.isArray(x) ? [...(x as unknown[])].map(String).sort() : [];
  const ys = Array.isArray(y) ? [...(y as unknown[])].map(String).sort() : [];
  return xs.length === ys.length && xs.every((v, i) => v === ys[i]);
}

function compareTable(prefix: string, before: Args, after: Args, forces: boolean): FieldChange[] {
  const out: FieldChange[] = [];
  const bKeys = Object.keys(before);
  const aKeys = Object.keys(after);
  if (bKeys.length === 0 && aKeys.length === 0) return out; // most tables: no allocation beyond this
  const keys = [...new Set([...bKeys, ...aKeys])].sort();
  for (const k of keys) {
    const inB = Object.hasOwn(before, k);
    const inA = Object.hasOwn(after, k);
    const bv = before[k] as ArgValue;
    const av = after[k] as ArgValue;
    if (inB && inA && canonicalArgs({ v: bv }) === canonicalArgs({ v: av })) continue;
    out.push(fieldChange(`${prefix}.${k}`, inB, bv, inA, av, forces));
  }
  return out;
}

function fieldChange(field: string, inB: boolean, bv: unknown, inA: boolean, av: unknown, forces: boolean): FieldChange {
  return { field, forces_replacement: forces, ...(inB ? { before: bv } : {}), ...(inA ? { after: av } : {}) };
}

function isObject(v: ParamValue | undefined): v is { readonly [key: string]: ParamValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isSensitive(v) && !isEnvRef(v);
}

/** Object values key by key (`value.src-uri`), anything else as a whole. */
function compareJson(prefix: string, before: ParamValue | undefined, after: ParamValue | undefined, forces: boolean, env: EnvMap): FieldChange[] {
  if (isObject(before) && isObject(after)) {
    const out: FieldChange[] = [];
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const k of keys) {
      const inB = Object.hasOwn(before, k);
      const inA = Object.hasOwn(after, k);
      const bv = before[k];
      const av = after[k];
      if (inB && inA && canonicalParam(bv as ParamValue, env) === canonicalParam(av as ParamValue, env)) continue;
      out.push(fieldChange(`${prefix}.${k}`, inB, bv, inA, av, forces));
    }
    return out;
  }
  if (before !== undefined && after !== undefined && canonicalParam(before, env) === canonicalParam(after, env)) return [];
  return [fieldChange(prefix, before !== undefined, before, after !== undefined, after, forces)];
}

/**
 * A canonical rendering for comparison only (it holds revealed secrets: never
 * print it). An unset environment variable never equals anything.
 */
export function canonicalParam(v: ParamValue, env: EnvMap): string {
  if (isSensitive(v)) return `s${JSON.stringify(v.reveal())}`;
  if (isEnvRef(v)) {
    const resolved = resolveEnv(v, env);
    return resolved === undefined ? `unset:${JSON.stringify(v.env)}` : `s${JSON.stringify(resolved)}`;
  }
  if (v === null) return 'v';
  if (Array.isArray(v)) return `[${(v as readonly ParamValue[]).map((x) => canonicalParam(x, env)).join(',')}]`;
  switch (typeof v) {
    case 'string':
      return `s${JSON.stringify(v)}`;
    case 'boolean':
      return v ? 'T' : 'F';
    case 'number':
      return Number.isInteger(v) ? `i${v}` : `f${v}`;
    default: {
      const obj = v as { readonly [key: string]: ParamValue };
      const keys = Object.keys(obj).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalParam(obj[k] as ParamValue, env)}`).join(',')}}`;
    }
  }
}

/** How a password shows in a plan: never the password or the hash. */
export function passwordDisplay(p: UserPassword): unknown {
  switch (p.kind) {
    case 'none':
      return '(none)';
    case 'hash':
      return p.hash; // a Sensitive: "(sensitive)" in every output
    case 'plain':
      return p.value; // a Sensitive too
    case 'env':
      return { env: p.env };
    case 'unmanaged':
      return '(unmanaged)';
  }
}

/**
 * Whether the live password is the declared one. An `env` or `plain` password
 * is hashed with the salt and algorithm of the live hash and compared, so
 * neither is ever sent or shown; a hash, or a plain password whose file names
 * an algorithm, also needs the live algorithm to be that one (the same bytes
 * under another algorithm are another password).
 */
function comparePassword(live: UserPassword, want: UserPassword, env: EnvMap): { before: unknown; after: unknown } | undefined {
  const change = { before: passwordDisplay(live), after: passwordDisplay(want) };
  switch (want.kind) {
    case 'unmanaged':
      return undefined;
    case 'none':
      return live.kind === 'none' ? undefined : change;
    case 'hash':
      return live.kind === 'hash' && live.algorithm === want.algorithm && live.hash.equals(want.hash) ? undefined : change;
    case 'env': {
      const password = isSensitive(want.value) ? want.value.reveal() : resolveEnv(want, env);
      if (password === undefined || live.kind !== 'hash') return change;
      return passwordMatches(password, live.hash.reveal(), live.algorithm) === true ? undefined : change;
    }
    case 'plain':
      if (live.kind !== 'hash' || (want.algorithm !== undefined && want.algorithm !== live.algorithm)) return change;
      return passwordMatches(want.value.reveal(), live.hash.reveal(), live.algorithm) === true ? undefined : change;
  }
}
