/** Hand-built plan documents for the render tests. */
import type { Change } from '../../../src/model/change.js';
import { resourceKey } from '../../../src/model/keys.js';
import type { Hazard, Phase, PlanDocument, PlannedChange } from '../../../src/model/plan.js';
import type { Resource } from '../../../src/model/types.js';

const PHASE: Record<'vhost' | 'exchange' | 'queue' | 'binding', [Phase, Phase]> = {
  vhost: ['vhosts', 'vhosts'],
  exchange: ['exchanges', 'delete-exchanges'],
  queue: ['queues', 'delete-queues'],
  binding: ['bind', 'unbind'],
};

export function planned(action: Change['action'], r: Resource, extra: Partial<Change> = {}): PlannedChange {
  const sides = action === 'delete' ? { before: r } : action === 'create' ? { after: r } : { before: r, after: r };
  return {
    action,
    kind: r.kind,
    vhost: r.vhost,
    name: r.name,
    key: resourceKey(r),
    fields: [],
    reasons: [`${r.kind} ${action}`],
    phase: PHASE[r.kind as keyof typeof PHASE][action === 'delete' ? 1 : 0],
    ...sides,
    ...extra,
  };
}

export function planOf(changes: readonly PlannedChange[], over: Partial<PlanDocument> = {}): PlanDocument {
  const count = (a: Change['action']): number => changes.filter((c) => c.action === a).length;
  const unmanaged = over.unmanaged ?? [];
  return {
    format_version: 1,
    warren_version: '0.1.0',
    broker_version: '3.13.7',
    vhosts: ['v'],
    prune: false,
    changes,
    unmanaged,
    hazards: [] as Hazard[],
    warnings: [],
    summary: { create: count('create'), update: count('update'), replace: count('replace'), delete: count('delete'), unmanaged: unmanaged.length },
    ...over,
  };
}
