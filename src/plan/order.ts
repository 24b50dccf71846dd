import type { Change } from '../model/change.js';
import { PHASES, type Phase, type PlannedChange } from '../model/plan.js';
import { assertNever } from '../model/types.js';

/**
 * The apply phase of a change. Creates go outward-in, each resource after
 * every resource it names: vhosts, users, their permissions and limits (so
 * that the user and vhost exist), exchanges and queues, the bindings between
 * them, topic permissions (RabbitMQ 4.3 refuses one naming an exchange that
 * does not exist yet: 400 `no_such_exchange`, where 3.10 and 4.0 accepted
 * it), then policies (after the queues, so that the plan's "matches" are
 * real) and parameters (a shovel declares the queues it names if they are
 * missing, so they must exist first, with their declared type; a shovel's or
 * upstream's URI names users). Deletes run in the reverse order, after every
 * create, so that a message never finds a new route missing while an old one
 * is removed, and a topic permission is gone before its exchange.
 */
export function phaseOf(change: Change): Phase {
  const deleting = change.action === 'delete';
  switch (change.kind) {
    case 'vhost':
      return 'vhosts';
    case 'user':
      return deleting ? 'delete-users' : 'users';
    case 'permission':
      return deleting ? 'delete-permissions' : 'permissions';
    case 'topic_permission':
      return deleting ? 'delete-topic-permissions' : 'topic-permissions';
    case 'vhost_limit':
    case 'user_limit':
      return deleting ? 'delete-limits' : 'limits';
    case 'exchange':
      return deleting ? 'delete-exchanges' : 'exchanges';
    case 'queue':
      return deleting ? 'delete-queues' : 'queues';
    case 'binding':
      return deleting ? 'unbind' : 'bind';
    case 'policy':
    case 'operator_policy':
      return deleting ? 'delete-policies' : 'policies';
    case 'parameter':
    case 'global_parameter':
      return deleting ? 'delete-parameters' : 'parameters';
    default:
      return assertNever(change.kind, 'kind');
  }
}

/** Changes in execution order: by phase, then vhost, then name (deterministic output). */
export function orderChanges(changes: readonly Change[]): PlannedChange[] {
  // Bucket by phase, then sort each bucket by vhost, name and key. Copies are made with
  // Object.assign: on Node 20, `{ ...c, phase }` objects were 4× slower to make and to sort
  // (100k changes: 150 ms to copy, 150-250 ms to sort, against 50 and 30 ms).
  const buckets = new Map<Phase, PlannedChange[]>(PHASES.map((p) => [p, []]));
  for (const c of changes) {
    const phase = phaseOf(c);
    buckets.get(phase)?.push(Object.assign({}, c, { phase }));
  }
  const out: PlannedChange[] = [];
  for (const bucket of buckets.values()) {
    bucket.sort(byVhostNameKey);
    for (const c of bucket) out.push(c);
  }
  return out;
}

function byVhostNameKey(a: PlannedChange, b: PlannedChange): number {
  return compareStrings(a.vhost, b.vhost) || compareStrings(a.name, b.name) || compareStrings(a.key, b.key);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
