import type { DiffResult } from '../model/change.js';
import { PLAN_FORMAT_VERSION, type PlanDocument, type PlanSummary } from '../model/plan.js';
import { fingerprintOf } from './fingerprint.js';
import { findHazards } from './hazards.js';
import { orderChanges } from './order.js';
import { withPolicyMatches } from './policy-matches.js';
import type { ResourceMap } from '../model/types.js';

export interface PlanContext {
  readonly warrenVersion: string;
  readonly brokerVersion: string | null;
  readonly vhosts: readonly string[];
  readonly prune: boolean;
  /** The live resources the diff ran against: for the queues and exchanges each policy change matches. */
  readonly live?: ResourceMap;
}

/** Pure: order a diff into an executable plan document and analyze it. */
export function buildPlan(result: DiffResult, ctx: PlanContext): PlanDocument {
  const changes = withPolicyMatches(orderChanges(result.changes), ctx.live ?? new Map());
  const counts = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const c of changes) counts[c.action] += 1;
  const summary: PlanSummary = { ...counts, unmanaged: result.unmanaged.length };
  const unmanaged = [...result.unmanaged].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    format_version: PLAN_FORMAT_VERSION,
    warren_version: ctx.warrenVersion,
    broker_version: ctx.brokerVersion,
    vhosts: [...ctx.vhosts],
    prune: ctx.prune,
    changes,
    unmanaged,
    hazards: findHazards(changes, ctx.live ?? new Map()),
    warnings: [...result.warnings],
    summary,
    fingerprint: fingerprintOf(changes),
  };
}

export function hasChanges(plan: PlanDocument): boolean {
  return plan.changes.length > 0;
}
