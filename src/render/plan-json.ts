import { PLAN_FORMAT_VERSION, type PlanDocument } from '../model/plan.js';

/** The plan as its versioned JSON contract (`format_version`). */
export function renderPlanJson(plan: PlanDocument): string {
  return `${JSON.stringify(plan, stripInternal, 2)}\n`;
}

/** Plans of several targets (`--target a --target b`) in one document. */
export function renderTargetPlansJson(plans: readonly { target: string | null; plan: PlanDocument }[]): string {
  return `${JSON.stringify({ format_version: PLAN_FORMAT_VERSION, targets: plans }, stripInternal, 2)}\n`;
}

// Source locations belong to diagnostics, not to the plan contract. A binding's
// `source` is its exchange name (a string) and stays. `unset` (the fields a
// spec leaves to the broker) only steers the diff: a create's `after` shows
// the values the resource is created with.
function stripInternal(this: unknown, key: string, value: unknown): unknown {
  if ((key === 'source' && typeof value === 'object') || key === 'sourceLocation') return undefined;
  return key === 'unset' && isVhostOrUser(this) ? undefined : value;
}

// Only a resource's own `unset`: an argument or a parameter value may have a key of that name.
function isVhostOrUser(holder: unknown): boolean {
  if (typeof holder !== 'object' || holder === null) return false;
  const r = holder as Record<string, unknown>;
  return (r['kind'] === 'vhost' || r['kind'] === 'user') && typeof r['vhost'] === 'string' && typeof r['name'] === 'string';
}
