import type { FieldChange } from '../model/change.js';
import { canonicalArgs } from '../model/keys.js';
import type { ArgValue, Args, Resource } from '../model/types.js';
import { FIELD_RULES } from './fields.js';

/**
 * Field-level differences between a live and a desired resource of the same
 * key, following the kind's rules. Argument tables are compared key by key,
 * with value classes (1000 and "1000" differ).
 */
export function compareFields(before: Resource, after: Resource): FieldChange[] {
  const out: FieldChange[] = [];
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  for (const rule of FIELD_RULES[after.kind]) {
    const forces = rule.mutability === 'immutable';
    const bv = b[rule.field];
    const av = a[rule.field];
    if (rule.field === 'arguments') {
      out.push(...compareArgs((bv ?? {}) as Args, (av ?? {}) as Args, forces));
    } else if (Array.isArray(av) || Array.isArray(bv)) {
      if (!sameSet(bv, av)) out.push({ field: rule.field, before: bv, after: av, forces_replacement: forces });
    } else if (bv !== av) {
      out.push({ field: rule.field, before: bv, after: av, forces_replacement: forces });
    }
  }
  return out;
}

function sameSet(x: unknown, y: unknown): boolean {
  const xs = Array.isArray(x) ? [...(x as unknown[])].map(String).sort() : [];
  const ys = Array.isArray(y) ? [...(y as unknown[])].map(String).sort() : [];
  return xs.length === ys.length && xs.every((v, i) => v === ys[i]);
}

function compareArgs(before: Args, after: Args, forces: boolean): FieldChange[] {
  const out: FieldChange[] = [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const k of keys) {
    const inB = Object.hasOwn(before, k);
    const inA = Object.hasOwn(after, k);
    const bv = before[k] as ArgValue;
    const av = after[k] as ArgValue;
    if (inB && inA && canonicalArgs({ v: bv }) === canonicalArgs({ v: av })) continue;
    const change: { field: string; before?: unknown; after?: unknown; forces_replacement: boolean } = {
      field: `arguments.${k}`,
      forces_replacement: forces,
    };
    if (inB) change.before = bv;
    if (inA) change.after = av;
    out.push(change);
  }
  return out;
}
