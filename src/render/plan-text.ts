import { describeResource, type Action, type FieldChange } from '../model/change.js';
import { formatDiagnostic } from '../model/diagnostics.js';
import type { PlanDocument, PlannedChange } from '../model/plan.js';
import type { Resource } from '../model/types.js';
import { plainStyle, type Style } from './style.js';
import { describeOther } from './describe-kinds.js';

const SYMBOL: Record<Action, string> = { create: '+', update: '~', replace: '-/+', delete: '-' };

/**
 * The human plan, in the manner of Terraform: one block per change with a
 * field-level diff, the fields that force a replacement, hazards first and a
 * summary line. Built only from the plan document, so text and JSON agree.
 */
export function renderPlanText(plan: PlanDocument, style: Style = plainStyle): string {
  const lines: string[] = [];
  const scope = plan.vhosts.map((v) => `"${v}"`).join(', ');
  lines.push(style.bold(`Plan for vhost${plan.vhosts.length === 1 ? '' : 's'} ${scope}${plan.broker_version ? ` on RabbitMQ ${plan.broker_version}` : ''}`));
  lines.push('');

  if (plan.hazards.length > 0) {
    lines.push(style.red(style.bold('Hazards (apply refuses these unless allowed):')));
    for (const h of plan.hazards) lines.push(style.red(`  ! ${h.code}: ${h.message} (allow with ${[h.allowed_by, ...(h.also_allowed_by ?? [])].join(' or ')})`));
    lines.push('');
  }

  if (plan.changes.length === 0) {
    lines.push(style.green('No changes. The broker matches the spec.'));
  } else {
    // One-line changes (bindings, plain deletes) stay together; blocks get a blank line around them.
    for (const c of plan.changes) {
      const block = renderChange(c, style);
      if (block.length > 1 && lines.at(-1) !== '') lines.push('');
      lines.push(...block);
      if (block.length > 1) lines.push('');
    }
    if (lines.at(-1) !== '') lines.push('');
  }

  if (plan.warnings.length > 0) {
    lines.push(style.yellow('Warnings:'));
    for (const w of plan.warnings) lines.push(style.yellow(`  ${formatDiagnostic(w)}`));
    lines.push('');
  }

  if (plan.unmanaged.length > 0) {
    lines.push(style.dim(`Unmanaged (on the broker, not in the spec; left alone, --prune deletes them):`));
    for (const u of plan.unmanaged) {
      const msgs = u.messages !== undefined ? ` (${u.messages} message${u.messages === 1 ? '' : 's'})` : '';
      const kept = u.protected ? ` (never deleted: ${u.protected})` : '';
      lines.push(style.dim(`  ${describeResource(u)}${msgs}${kept}`));
    }
    lines.push('');
  }

  const s = plan.summary;
  lines.push(
    style.bold(`Plan: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete.`) +
      (s.unmanaged > 0 ? ` ${s.unmanaged} unmanaged.` : ''),
  );
  return `${lines.join('\n')}\n`;
}

function colour(action: Action, style: Style): (s: string) => string {
  switch (action) {
    case 'create':
      return style.green;
    case 'update':
      return style.yellow;
    case 'replace':
    case 'delete':
      return style.red;
  }
}

function renderChange(c: PlannedChange, style: Style): string[] {
  const paint = colour(c.action, style);
  const sym = SYMBOL[c.action].padStart(3);
  const title = `${sym} ${describeResource(c)}`;
  // A create of something missing needs no explanation; every other change says why.
  const why = c.action === 'create' && !c.before ? '' : style.dim(`  # ${c.reasons.join('; ')}`);
  const out = [paint(style.bold(title)) + why];
  if (c.action === 'create' && c.after && !c.before) out.push(...describe(c.after).map((l) => paint(`      ${l}`)));
  if (c.action === 'delete' && c.before?.kind === 'queue' && c.before.messages !== undefined) {
    out.push(paint(`      messages: ${c.before.messages}`));
  }
  for (const f of c.fields) out.push(renderField(f, c.action, style));
  if (c.matches !== undefined) out.push(...renderMatches(c, style));
  return out;
}

/** A policy's blast radius: the queues and exchanges it applies to. */
function renderMatches(c: PlannedChange, style: Style): string[] {
  const matches = c.matches ?? [];
  const verb = c.action === 'delete' ? 'applied to' : 'applies to';
  if (matches.length === 0) return [style.dim(`      ${verb}: nothing (no queue or exchange of the vhost matches)`)];
  const shown = matches.slice(0, MATCHES_SHOWN).map((m) => `${m.kind} ${JSON.stringify(m.name)}`);
  const more = matches.length > MATCHES_SHOWN ? [`… and ${matches.length - MATCHES_SHOWN} more`] : [];
  return [style.dim(`      ${verb} ${matches.length}:`), ...[...shown, ...more].map((l) => style.dim(`        ${l}`))];
}

const MATCHES_SHOWN = 20;

function renderField(f: FieldChange, action: Action, style: Style): string {
  const forced = action === 'replace' && f.forces_replacement ? style.red('  # forces replacement') : '';
  if (f.before === undefined) return style.green(`      + ${f.field}: ${show(f.after)}`) + forced;
  if (f.after === undefined) return style.red(`      - ${f.field}: ${show(f.before)}`) + forced;
  return style.yellow(`      ~ ${f.field}: ${show(f.before)} → ${show(f.after)}`) + forced;
}

/** The interesting fields of a resource being created. */
function describe(r: Resource): string[] {
  const args = (a: object): string[] =>
    Object.keys(a).length === 0 ? [] : [`arguments: ${show(a)}`];
  switch (r.kind) {
    case 'vhost':
      return [
        ...(r.description ? [`description: ${show(r.description)}`] : []),
        ...(r.tags.length ? [`tags: ${show(r.tags)}`] : []),
        `default_queue_type: ${r.default_queue_type}`,
        ...(r.protected_from_deletion === true ? ['protected_from_deletion: true'] : []),
      ];
    case 'exchange':
      return [`type: ${r.type}`, `durable: ${r.durable}`, `auto_delete: ${r.auto_delete}`, `internal: ${r.internal}`, ...args(r.arguments)];
    case 'queue':
      return [`type: ${r.type}`, `durable: ${r.durable}`, `auto_delete: ${r.auto_delete}`, ...args(r.arguments)];
    case 'binding':
      return [];
    default:
      return describeOther(r);
  }
}

function show(v: unknown): string {
  return JSON.stringify(v);
}
