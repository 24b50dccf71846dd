/**
 * Which queues and exchanges a policy applies to: the blast radius of a
 * policy change, for the reviewer. Computed offline (the broker's own
 * `policy` column lags by a stats interval, rabbitmq-semantics.md §1) from
 * the names, following the broker's rules (§4):
 * - `pattern` is an unanchored regular expression on the name (Erlang's PCRE
 *   and JavaScript agree on the patterns people write);
 * - `apply-to` selects queues, exchanges, both, or a queue type;
 * - a policy with a key the queue's type does not support does not apply to
 *   that queue at all;
 * - of the policies that match and apply, only the highest priority one
 *   does (user policies and operator policies are chosen separately).
 */
import type { PlannedChange, PolicyMatch } from '../model/plan.js';
import { resourceKey } from '../model/keys.js';
import { UNSUPPORTED_POLICY_KEYS } from '../model/policy-keys.js';
import type { ExchangeResource, PolicyResource, QueueResource, Resource, ResourceMap } from '../model/types.js';

type Target = QueueResource | ExchangeResource;

/** The policy changes of `changes` with their `matches`, the others as they are. */
export function withPolicyMatches(changes: readonly PlannedChange[], live: ResourceMap): PlannedChange[] {
  if (!changes.some((c) => c.kind === 'policy' || c.kind === 'operator_policy')) return [...changes];
  const after = stateAfter(changes, live);
  return changes.map((c) => {
    if (c.kind !== 'policy' && c.kind !== 'operator_policy') return c;
    const deleting = c.action === 'delete';
    const policy = deleting ? c.before : c.after;
    if (!policy || (policy.kind !== 'policy' && policy.kind !== 'operator_policy')) return c;
    return { ...c, matches: policyMatches(policy, deleting ? live : after) };
  });
}

/** The resources after the changes are applied. */
function stateAfter(changes: readonly PlannedChange[], live: ResourceMap): ResourceMap {
  const out = new Map<string, Resource>(live);
  for (const c of changes) {
    if (c.action === 'delete') out.delete(c.key);
    else if (c.after) out.set(resourceKey(c.after), c.after);
  }
  return out;
}

/** The queues and exchanges of `policy`'s vhost in `state` that it is the effective policy of. */
export function policyMatches(policy: PolicyResource, state: ResourceMap): PolicyMatch[] {
  const rivals: PolicyResource[] = [];
  const targets: Target[] = [];
  for (const r of state.values()) {
    if (r.vhost !== policy.vhost) continue;
    if (r.kind === policy.kind && r.name !== policy.name) rivals.push(r);
    else if (r.kind === 'queue' || r.kind === 'exchange') targets.push(r);
  }
  const out: PolicyMatch[] = [];
  for (const t of targets) {
    if (!appliesTo(policy, t)) continue;
    const beaten = rivals.some((p) => p.priority > policy.priority && appliesTo(p, t));
    if (!beaten) out.push({ kind: t.kind, name: t.name });
  }
  return out.sort((a, b) => (a.kind === b.kind ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.kind === 'exchange' ? -1 : 1));
}

/** True when `policy` matches `target` by name and apply-to, and the queue type supports all its keys. */
export function appliesTo(policy: PolicyResource, target: Target): boolean {
  if (!patternMatches(policy.pattern, target.name)) return false;
  if (target.kind === 'exchange') return policy.apply_to === 'exchanges' || policy.apply_to === 'all';
  switch (policy.apply_to) {
    case 'queues':
    case 'all':
      break;
    case 'classic_queues':
      if (target.type !== 'classic') return false;
      break;
    case 'quorum_queues':
      if (target.type !== 'quorum') return false;
      break;
    case 'streams':
      if (target.type !== 'stream') return false;
      break;
    default:
      return false;
  }
  const unsupported = UNSUPPORTED_POLICY_KEYS[target.type];
  return Object.keys(policy.definition).every((k) => !unsupported.includes(k));
}

const compiled = new Map<string, RegExp | null>();

function patternMatches(pattern: string, name: string): boolean {
  let re = compiled.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern);
    } catch {
      re = null;
    }
    compiled.set(pattern, re);
  }
  return re !== null && re.test(name);
}
