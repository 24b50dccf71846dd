/** The desired topology indexed per vhost for the lint checks. */
import type { BindingResource, Desired, ExchangeResource, PolicyResource, QueueResource } from '../model/types.js';
import { effectivePolicy, sortPolicies } from '../route/policies.js';
import { PREDECLARED_EXCHANGES } from '../spec/names.js';

export interface LintVhost {
  readonly name: string;
  readonly exchanges: ReadonlyMap<string, ExchangeResource>;
  readonly queues: ReadonlyMap<string, QueueResource>;
  readonly bindings: readonly BindingResource[];
  /** User policies (not operator policies), in the order the broker picks them (route/policies). */
  readonly policies: readonly PolicyResource[];
}

export function indexVhosts(desired: Desired): Map<string, LintVhost> {
  const out = new Map<string, { name: string; exchanges: Map<string, ExchangeResource>; queues: Map<string, QueueResource>; bindings: BindingResource[]; policies: PolicyResource[] }>();
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
    else if (r.kind === 'policy') get(r.vhost).policies.push(r);
  }
  for (const v of out.values()) v.policies = sortPolicies(v.policies);
  return out;
}

/** Declared, or predeclared by the broker (`amq.*`), or the default exchange. */
export function exchangeExists(v: LintVhost, name: string): boolean {
  return name === '' || v.exchanges.has(name) || PREDECLARED_EXCHANGES.has(name);
}

export function exchangeType(v: LintVhost, name: string): string | undefined {
  return v.exchanges.get(name)?.type ?? PREDECLARED_EXCHANGES.get(name);
}

/** A string argument of a resource, or of its effective policy (`key` without `x-`). */
export function argOrPolicy(v: LintVhost, r: ExchangeResource | QueueResource, argument: string, policyKey: string): { value: string; from: 'argument' | 'policy' } | undefined {
  const a = r.arguments[argument];
  if (typeof a === 'string') return { value: a, from: 'argument' };
  // The same choice as the routing simulator's: the broker's (priority, apply-to, keys the queue type supports).
  const p = effectivePolicy(v.policies, r)?.definition[policyKey];
  return typeof p === 'string' ? { value: p, from: 'policy' } : undefined;
}
