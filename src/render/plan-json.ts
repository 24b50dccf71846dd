import type { PlanDocument } from '../model/plan.js';

/** The plan as its versioned JSON contract (`format_version`). */
export function renderPlanJson(plan: PlanDocument): string {
  return `${JSON.stringify(plan, stripInternal, 2)}\n`;
}

// Source locations belong to diagnostics, not to the plan contract. A binding's
// `source` is its exchange name (a string) and stays.
function stripInternal(key: string, value: unknown): unknown {
  return (key === 'source' && typeof value === 'object') || key === 'sourceLocation' ? undefined : value;
}
