import type { Change } from '../model/change.js';
import { PHASES, type Phase, type PlannedChange } from '../model/plan.js';
import { assertNever } from '../model/types.js';

/**
 * The apply phase of a change. Creates go outward-in (vhosts, then exchanges
 * and queues, then the bindings between them); deletes run in the reverse
 * order (bindings, then queues, then exchanges), after every create, so that
 * a message never finds a new route missing while an old one is removed.
 */
export function phaseOf(change: Change): Phase {
  const deleting = change.action === 'delete';
  switch (change.kind) {
    case 'vhost':
      return 'vhosts';
    case 'exchange':
      return deleting ? 'delete-exchanges' : 'exchanges';
    case 'queue':
      return deleting ? 'delete-queues' : 'queues';
    case 'binding':
      return deleting ? 'unbind' : 'bind';
    default:
      return assertNever(change.kind, 'kind');
  }
}

/** Changes in execution order: by phase, then vhost, then name (deterministic output). */
export function orderChanges(changes: readonly Change[]): PlannedChange[] {
  const rank = new Map<Phase, number>(PHASES.map((p, i) => [p, i]));
  return changes
    .map((c) => ({ ...c, phase: phaseOf(c) }))
    .sort(
      (a, b) =>
        (rank.get(a.phase) ?? 0) - (rank.get(b.phase) ?? 0) ||
        compareStrings(a.vhost, b.vhost) ||
        compareStrings(a.name, b.name) ||
        compareStrings(a.key, b.key),
    );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
