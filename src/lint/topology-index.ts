/** The desired topology indexed per vhost for the lint checks. */
import type { Args, BindingResource, Desired, ExchangeResource, QueueResource, SourceLocation } from '../model/types.js';
import { PREDECLARED_EXCHANGES } from '../spec/names.js';

/** What lint reads of a user policy (kind `policy`; operator policies are left out). */
export interface LintPolicy {
  readonly name: string;
  readonly pattern: string;
  readonly apply_to: string;
  readonly priority: number;
  readonly definition: Args;
  readonly source?: SourceLocation;
}

export interface LintVhost {
  readonly name: string;
  readonly exchanges: ReadonlyMap<string, ExchangeResource>;
  readonly queues: ReadonlyMap<string, QueueResource>;
  readonly bindings: readonly BindingResource[];
  /** User policies (not operator policies), highest priority first. */
  readonly policies: readonly LintPolicy[];
}

export function indexVhosts(desired: Desired): Map<string, LintVhost> {
  const out = new Map<string, { name: string; exchanges: Map<string, ExchangeResource>; queues: Map<string, QueueResource>; bindings: BindingResource[]; policies: LintPolicy[] }>();
  const get = (name: string) => {
    let v = out.get(name);
    if (!v) {
      v = { name, exchanges: new Map(), queues: new Map(), bindings: [], policies: [] };
      out.set(name, v);
    }
    return v;
  };
  for (const name of desired.vhosts) get(name);
  for (const r of desired.resources.values()) {
    if (r.kind === 'exchange') get(r.vhost).exchanges.set(r.name, r);
    else if (r.kind === 'queue') get(r.vhost).queues.set(r.name, r);
    else if (r.kind === 'binding') get(r.vhost).bindings.push(r);
    else {
      const p = asPolicy(r);
      if (p) get(r.vhost).policies.push({ ...p, priority: typeof p.priority === 'number' ? p.priority : 0 });
    }
  }
  for (const v of out.values()) v.policies.sort((a, b) => b.priority - a.priority);
  return out;
}

/** Declared, or predeclared by the broker (`amq.*`), or the default exchange. */
export function exchangeExists(v: LintVhost, name: string): boolean {
  return name === '' || v.exchanges.has(name) || PREDECLARED_EXCHANGES.has(name);
}

export function exchangeType(v: LintVhost, name: string): string | undefined {
  return v.exchanges.get(name)?.type ?? PREDECLARED_EXCHANGES.get(name);
}

/** The policy RabbitMQ applies to a queue or exchange: the matching one of highest priority. */
export function effectivePolicy(v: LintVhost, name: string, what: 'queue' | 'exchange'): LintPolicy | undefined {
  return v.policies.find((p) => appliesTo(p.apply_to, what) && matches(p.pattern, name));
}

/** Read structurally, so that lint works with any model version that has policies. */
function asPolicy(r: { readonly kind: string }): LintPolicy | undefined {
  const p = r as Partial<LintPolicy> & { readonly kind: string };
  if (r.kind !== 'policy' || typeof p.pattern !== 'string' || typeof p.definition !== 'object' || p.definition === null) return undefined;
  return p as LintPolicy;
}

function appliesTo(applyTo: string, what: 'queue' | 'exchange'): boolean {
  if (applyTo === 'all') return true;
  return what === 'exchange' ? applyTo === 'exchanges' : applyTo !== 'exchanges';
}

function matches(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern).test(name);
  } catch {
    return false;
  }
}

/** A string argument of a resource, or of its effective policy (`key` without `x-`). */
export function argOrPolicy(v: LintVhost, r: ExchangeResource | QueueResource, argument: string, policyKey: string): { value: string; from: 'argument' | 'policy' } | undefined {
  const a = r.arguments[argument];
  if (typeof a === 'string') return { value: a, from: 'argument' };
  const p = effectivePolicy(v, r.name, r.kind)?.definition[policyKey];
  return typeof p === 'string' ? { value: p, from: 'policy' } : undefined;
}
