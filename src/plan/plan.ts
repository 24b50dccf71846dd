import type { DiffResult } from '../model/change.js';
import { PLAN_FORMAT_VERSION, type PlanDocument, type PlanSummary } from '../model/plan.js';
import { findHazards } from './hazards.js';
import { orderChanges } from './order.js';

export interface PlanContext {
  readonly warrenVersion: string;
  readonly brokerVersion: string | null;
  readonly vhosts: readonly string[];
  readonly prune: boolean;
}

/** Pure: order a diff into an executable plan document and analyze it. */
export function buildPlan(result: DiffResult, ctx: PlanContext): PlanDocument {
  const changes = orderChanges(result.changes);
  const summary: PlanSummary = {
    create: changes.filter((c) => c.action === 'create').length,
    update: changes.filter((c) => c.action === 'update').length,
    replace: changes.filter((c) => c.action === 'replace').length,
    delete: changes.filter((c) => c.action === 'delete').length,
    unmanaged: result.unmanaged.length,
  };
  const unmanaged = [...result.unmanaged].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    format_version: PLAN_FORMAT_VERSION,
    warren_version: ctx.warrenVersion,
    broker_version: ctx.brokerVersion,
    vhosts: [...ctx.vhosts],
    prune: ctx.prune,
    changes,
    unmanaged,
    hazards: findHazards(changes),
    warnings: [...result.warnings],
    summary,
  };
}

export function hasChanges(plan: PlanDocument): boolean {
  return plan.changes.length > 0;
}
