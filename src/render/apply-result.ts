import type { ApplyResult } from '../apply/execute.js';
import { describeChange, type Change } from '../model/change.js';
import { formatDiagnostic, uniqueDiagnostics } from '../model/diagnostics.js';
import { PLAN_FORMAT_VERSION, type PlanDocument } from '../model/plan.js';
import { plainStyle, type Style } from './style.js';

/** What ran, what failed and why, what is still pending. */
export function renderApplyText(plan: PlanDocument, result: ApplyResult, style: Style = plainStyle): string {
  const lines: string[] = [];
  if (!result.failed && result.pending.length === 0) {
    lines.push(style.green(style.bold(`Apply complete: ${result.applied.length} of ${plan.changes.length} changes applied.`)));
    return `${lines.join('\n')}\n`;
  }
  const failures = [...(result.failed ? [result.failed] : []), ...(result.alsoFailed ?? [])];
  lines.push(style.red(style.bold(`Apply failed: ${result.applied.length} applied, ${failures.length} failed, ${result.pending.length} pending.`)));
  for (const f of failures) {
    lines.push(style.red(`Failed: ${describeChange(f.change)}`));
    lines.push(style.red(`  ${formatDiagnostic(f.error)}`));
  }
  if (result.pending.length > 0) {
    lines.push('Pending (not attempted):');
    for (const c of result.pending) lines.push(`  ${describeChange(c)}`);
  }
  lines.push('Every step is idempotent: fix the cause and run apply again to finish.');
  return `${lines.join('\n')}\n`;
}

/**
 * The apply result as JSON (same `format_version` as the plan). `warnings`
 * holds every warning of the run once, in the plan JSON's diagnostic shape:
 * the plan's own, then those met while applying, such as ENDPOINT_UNREACHABLE
 * for management and AMQP endpoints of a list that did not answer (URLs with
 * the password masked). It was added to format 1 without a version bump: a
 * new field, nothing renamed, so readers of the old shape are unaffected.
 */
export function renderApplyJson(plan: PlanDocument, result: ApplyResult): string {
  const ref = (c: Change): object => ({ action: c.action, kind: c.kind, vhost: c.vhost, name: c.name, key: c.key });
  return `${JSON.stringify(
    {
      format_version: PLAN_FORMAT_VERSION,
      status: result.failed || result.pending.length > 0 ? 'failed' : 'applied',
      summary: plan.summary,
      hazards: plan.hazards,
      warnings: uniqueDiagnostics([...plan.warnings, ...(result.warnings ?? [])]),
      applied: result.applied.map(ref),
      failed: result.failed ? { ...ref(result.failed.change), error: result.failed.error } : null,
      also_failed: (result.alsoFailed ?? []).map((f) => ({ ...ref(f.change), error: f.error })),
      pending: result.pending.map(ref),
    },
    null,
    2,
  )}\n`;
}
