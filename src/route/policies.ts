/**
 * The effective alternate exchange of an exchange and dead-letter settings of
 * a queue: the x-argument if set, else the value in the one policy that
 * applies (rabbitmq-semantics.md §4 and §6). Operator policies cannot set
 * these keys, so only user policies are considered.
 */
import { appliesTo } from '../plan/policy-matches.js';
import type { Args, ExchangeResource, PolicyResource, QueueResource } from '../model/types.js';

/** A setting and where it came from: an x-argument, or the named policy. */
export interface EffectiveSetting {
  readonly value: string;
  /** The policy that set it; absent when it is an x-argument. */
  readonly policy?: string;
}

export interface EffectiveDeadLetter {
  readonly exchange: EffectiveSetting;
  readonly routingKey?: EffectiveSetting;
}

/**
 * Highest priority first; equal priorities by name, which is the order the
 * broker lists them in and so the one it picks (ties are unspecified, but
 * `tie-a` won over `tie-b` on 3.10.8).
 */
export function sortPolicies(policies: readonly PolicyResource[]): PolicyResource[] {
  return [...policies].sort((a, b) => b.priority - a.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The policy in effect for `target`, from `sorted` (as `sortPolicies` orders
 * them): the first that matches its name and kind and, for a queue, has no
 * key the queue's type does not support. At most one policy applies, so a
 * higher priority policy without the wanted key hides a lower one with it.
 */
export function effectivePolicy(sorted: readonly PolicyResource[], target: ExchangeResource | QueueResource): PolicyResource | undefined {
  return sorted.find((p) => p.kind === 'policy' && p.vhost === target.vhost && appliesTo(p, target));
}

/** The alternate exchange of `x`; the default exchange has none. */
export function effectiveAlternateExchange(sorted: readonly PolicyResource[], x: ExchangeResource): EffectiveSetting | undefined {
  if (x.name === '') return undefined;
  return setting(x.arguments, 'alternate-exchange', () => effectivePolicy(sorted, x), 'alternate-exchange');
}

/**
 * The dead-letter exchange and routing key of `q`. Each key is resolved on
 * its own (`res_arg` per key in `rabbit_amqqueue_process` and
 * `rabbit_quorum_queue`), so an x-argument exchange can go with a policy key.
 */
export function effectiveDeadLetter(sorted: readonly PolicyResource[], q: QueueResource): EffectiveDeadLetter | undefined {
  let cached: { p: PolicyResource | undefined } | undefined;
  const policy = (): PolicyResource | undefined => (cached ??= { p: effectivePolicy(sorted, q) }).p;
  const exchange = setting(q.arguments, 'x-dead-letter-exchange', policy, 'dead-letter-exchange');
  if (!exchange) return undefined;
  const routingKey = setting(q.arguments, 'x-dead-letter-routing-key', policy, 'dead-letter-routing-key');
  return routingKey ? { exchange, routingKey } : { exchange };
}

/** Where dead-lettered messages go, when that does not depend on the message. */
export type DeadLetterTarget = { readonly kind: 'exchange'; readonly name: string } | { readonly kind: 'queue'; readonly name: string };

/**
 * The exchange a queue dead-letters to; for the default exchange (`""`) with
 * a dead-letter routing key, the queue that key names (the default exchange
 * delivers to the queue named by the key). Undefined for the default exchange
 * without one: the message's own keys pick the queue. `warren graph` draws
 * this edge and lint follows it.
 */
export function deadLetterTarget(dl: EffectiveDeadLetter): DeadLetterTarget | undefined {
  if (dl.exchange.value !== '') return { kind: 'exchange', name: dl.exchange.value };
  const key = dl.routingKey?.value;
  return key !== undefined && key !== '' ? { kind: 'queue', name: key } : undefined;
}

function setting(args: Args, argKey: string, policy: () => PolicyResource | undefined, policyKey: string): EffectiveSetting | undefined {
  const arg = args[argKey];
  if (typeof arg === 'string') return { value: arg };
  const p = policy();
  const value = p?.definition[policyKey];
  return p && typeof value === 'string' ? { value, policy: p.name } : undefined;
}
