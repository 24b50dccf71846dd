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
// `source` is its exchange name (a string) and stays.
function stripInternal(key: string, value: unknown): unknown {
  return (key === 'source' && typeof value === 'object') || key === 'sourceLocation' ? undefined : value;
}
