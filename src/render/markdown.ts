/**
 * The plan as a pull-request comment that renders on GitHub and GitLab alike:
 * hazards first, a summary table, details per kind in collapsible sections
 * (```diff blocks), and a Mermaid graph of the affected part of the topology.
 * Capped so that a 10,000-change plan stays readable and under GitHub's
 * 65,536-character comment limit.
 */
import { describeChange, describeResource, type Action, type FieldChange } from '../model/change.js';
import { formatDiagnostic, type Diagnostic } from '../model/diagnostics.js';
import type { PlanDocument, PlannedChange } from '../model/plan.js';
import { resourceKey } from '../model/keys.js';
import { KINDS, type Kind, type Resource, type ResourceMap } from '../model/types.js';
import { buildGraph, type Highlight } from '../graph/build.js';
import { describeOther } from './describe-kinds.js';
import { mermaidOf, omittedNote } from './graph.js';

export interface MarkdownOptions {
  /** The topology around the changes (desired and live, merged); the changed resources are added to it. */
  readonly graph?: ResourceMap;
  /** Changes listed per kind before "… and N more". Default 200. */
  readonly maxDetails?: number;
  /** Characters spent on all detail sections together. Default 40,000. */
  readonly detailBudget?: number;
  /** Nodes in the graph. Default 60. */
  readonly maxNodes?: number;
}

export const DEFAULT_MAX_DETAILS = 200;
export const DEFAULT_DETAIL_BUDGET = 40_000;

const PLURAL: Record<Kind, string> = {
  vhost: 'Vhosts',
  exchange: 'Exchanges',
  queue: 'Queues',
  binding: 'Bindings',
  user: 'Users',
  permission: 'Permissions',
  topic_permission: 'Topic permissions',
  vhost_limit: 'Vhost limits',
  user_limit: 'User limits',
  policy: 'Policies',
  operator_policy: 'Operator policies',
  parameter: 'Parameters',
  global_parameter: 'Global parameters',
};
const ACTION_COLUMNS: readonly Action[] = ['create', 'update', 'replace', 'delete'];
const VERB: Record<Action, string> = { create: 'to create', update: 'to update', replace: 'to replace', delete: 'to delete' };

export function renderPlanMarkdown(plan: PlanDocument, options: MarkdownOptions = {}): string {
  const out: string[] = ['<!-- warren:plan -->', '## Warren plan', ''];
  const s = plan.summary;
  const total = `**Plan: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete.**`;
  out.push(total + (s.unmanaged > 0 ? ` ${s.unmanaged} unmanaged.` : ''), '', contextLine(plan.vhosts, plan.broker_version, plan.warren_version, plan.prune), '');

  if (plan.hazards.length > 0) {
    out.push('**Hazards: apply refuses these unless allowed**', '');
    for (const h of capped(plan.hazards, 50, (n) => `- … and ${n} more hazards`)) {
      out.push(typeof h === 'string' ? h : `- **${mdCode(h.code)}**: ${mdText(h.message)} (allow with ${mdCode(h.allowed_by)})`);
    }
    out.push('');
  }

  if (plan.changes.length === 0) {
    out.push('No changes. The broker matches the spec.', '');
  } else {
    const counts = countByKind(plan.changes);
    out.push(...table(['Kind', ...ACTION_COLUMNS.map(title)], KINDS.filter((k) => counts.has(k)).map((k) => [k, ...ACTION_COLUMNS.map((a) => counts.get(k)?.[a] ?? 0)]), true), '');
    const kinds = KINDS.filter((k) => counts.has(k));
    const budget = Math.floor((options.detailBudget ?? DEFAULT_DETAIL_BUDGET) / kinds.length);
    for (const kind of kinds) {
      const changes = plan.changes.filter((c) => c.kind === kind);
      const summary = ACTION_COLUMNS.filter((a) => (counts.get(kind)?.[a] ?? 0) > 0).map((a) => `${counts.get(kind)?.[a] ?? 0} ${VERB[a]}`);
      const lines = listWithin(changes, changeLines, options.maxDetails ?? DEFAULT_MAX_DETAILS, budget, (n) => `… and ${n} more`);
      out.push(...details(`${PLURAL[kind]}: ${summary.join(', ')}`, codeBlock('diff', lines)), '');
    }
  }

  out.push(...warningsSection(plan.warnings));
  if (plan.unmanaged.length > 0) {
    const lines = listWithin(plan.unmanaged, (u) => [`${describeResource(u)}${u.messages !== undefined ? ` (${plural(u.messages, 'message')})` : ''}`], options.maxDetails ?? DEFAULT_MAX_DETAILS, 5_000, (n) => `… and ${n} more`);
    out.push(...details(`Unmanaged: ${plan.unmanaged.length} on the broker, not in the spec (left alone; <code>--prune</code> deletes them)`, codeBlock('text', lines)), '');
  }

  if (plan.changes.length > 0) {
    out.push(...graphSection(planGraph(plan, options.graph), planHighlight(plan), options.maxNodes, 'created', 'deleted'));
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function title(a: string): string {
  return a.charAt(0).toUpperCase() + a.slice(1);
}

export function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

export function contextLine(vhosts: readonly string[], broker: string | null, warren: string | undefined, prune?: boolean): string {
  const parts = [`${vhosts.length === 1 ? 'Vhost' : 'Vhosts'} ${vhosts.length === 0 ? '(none)' : vhosts.map(mdCode).join(', ')}`];
  if (broker) parts.push(`RabbitMQ ${mdText(broker)}`);
  if (warren) parts.push(`Warren ${mdText(warren)}`);
  if (prune) parts.push('pruning (undeclared resources are deleted)');
  return parts.join(' · ');
}

function countByKind(changes: readonly PlannedChange[]): Map<Kind, Record<Action, number>> {
  const counts = new Map<Kind, Record<Action, number>>();
  for (const c of changes) {
    let row = counts.get(c.kind);
    if (!row) {
      row = { create: 0, update: 0, replace: 0, delete: 0 };
      counts.set(c.kind, row);
    }
    row[c.action] += 1;
  }
  return counts;
}

/** A GFM table (kinds in the first column, numbers right-aligned), with a total row. */
export function table(header: readonly string[], rows: readonly (readonly [string, ...number[]])[], withTotal: boolean): string[] {
  const line = (cells: readonly (string | number)[]): string => `| ${cells.join(' | ')} |`;
  const out = [line(header), line(header.map((_, i) => (i === 0 ? ':--' : '--:')))];
  for (const row of rows) out.push(line(row));
  if (withTotal && rows.length > 1) {
    const sums = header.slice(1).map((_, i) => rows.reduce((acc, row) => acc + ((row[i + 1] as number | undefined) ?? 0), 0));
    out.push(line(['**Total**', ...sums.map((n) => `**${n}**`)]));
  }
  return out;
}

/** A collapsible section; the summary is HTML, so it must be HTML-escaped by the caller. */
export function details(summary: string, body: readonly string[]): string[] {
  return ['<details>', `<summary>${summary}</summary>`, '', ...body, '', '</details>'];
}

/** A fenced code block whose fence is longer than any backtick run inside it. */
export function codeBlock(lang: string, lines: readonly string[]): string[] {
  let longest = 0;
  for (const l of lines) for (const run of l.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}${lang}`, ...lines.map(printable), fence];
}

/**
 * Items, each as a few lines, in order until `max` items or `budget`
 * characters, then one line for the rest. Lines are only made for items shown.
 */
export function listWithin<T>(items: readonly T[], linesOf: (item: T) => readonly string[], max: number, budget: number, more: (n: number) => string): string[] {
  const out: string[] = [];
  let used = 0;
  let shown = 0;
  for (const item of items) {
    if (shown >= max) break;
    const lines = linesOf(item);
    const size = lines.reduce((acc, l) => acc + l.length + 1, 0);
    if (shown > 0 && used + size > budget) break;
    out.push(...lines);
    used += size;
    shown += 1;
  }
  if (shown < items.length) out.push(more(items.length - shown));
  return out;
}

function capped<T>(items: readonly T[], max: number, more: (n: number) => string): (T | string)[] {
  return items.length <= max ? [...items] : [...items.slice(0, max), more(items.length - max)];
}

function changeLines(c: PlannedChange): string[] {
  const out = [`@@ ${describeChange(c)} @@ ${c.reasons.join('; ')}`];
  if (c.action === 'create' && c.after && !c.before) out.push(...describe(c.after).map((l) => `+   ${l}`));
  if (c.action === 'delete' && c.before?.kind === 'queue' && c.before.messages !== undefined) out.push(`-   messages: ${c.before.messages}`);
  for (const f of c.fields) out.push(...fieldLines(f, c.action));
  return out;
}

function fieldLines(f: FieldChange, action: Action): string[] {
  const forced = action === 'replace' && f.forces_replacement ? '   (forces replacement)' : '';
  const out: string[] = [];
  if (f.before !== undefined) out.push(`-   ${f.field}: ${JSON.stringify(f.before)}`);
  if (f.after !== undefined) out.push(`+   ${f.field}: ${JSON.stringify(f.after)}${forced}`);
  else if (out.length > 0) out[0] += forced;
  return out;
}

/** The fields worth showing for a resource being created. */
export function describe(r: Resource): string[] {
  const args = (r.kind === 'exchange' || r.kind === 'queue' || r.kind === 'binding') && Object.keys(r.arguments).length > 0 ? [`arguments: ${JSON.stringify(r.arguments)}`] : [];
  switch (r.kind) {
    case 'vhost':
      return [...(r.description ? [`description: ${JSON.stringify(r.description)}`] : []), ...(r.tags.length ? [`tags: ${JSON.stringify(r.tags)}`] : []), `default_queue_type: ${r.default_queue_type}`, ...(r.protected_from_deletion === true ? ['protected_from_deletion: true'] : [])];
    case 'exchange':
      return [`type: ${r.type}`, `durable: ${r.durable}`, `auto_delete: ${r.auto_delete}`, `internal: ${r.internal}`, ...args];
    case 'queue':
      return [`type: ${r.type}`, `durable: ${r.durable}`, `auto_delete: ${r.auto_delete}`, ...args];
    case 'binding':
      return [];
    default:
      return describeOther(r);
  }
}

/** A **Warnings** list (capped at 50), nothing when there are none. */
export function warningsSection(warnings: readonly Diagnostic[]): string[] {
  if (warnings.length === 0) return [];
  const lines = capped(warnings, 50, (n) => `- … and ${n} more warnings`).map((w) => (typeof w === 'string' ? w : `- ${mdText(formatDiagnostic(w))}`));
  return ['**Warnings**', '', ...lines, ''];
}

/** The union of the given topology and every resource the plan touches (the desired side wins). */
function planGraph(plan: PlanDocument, base: ResourceMap | undefined): ResourceMap {
  const map = new Map(base ?? []);
  for (const c of plan.changes) {
    const r = c.after ?? c.before;
    if (r) map.set(resourceKey(r), r);
  }
  return map;
}

function planHighlight(plan: PlanDocument): Highlight {
  const added = new Set<string>();
  const removed = new Set<string>();
  const changed = new Set<string>();
  // Keyed like the graph, from the resources: a plan saved by another Warren version may key differently.
  for (const c of plan.changes) {
    const r = c.after ?? c.before;
    if (!r) continue;
    if (c.action === 'delete') removed.add(resourceKey(r));
    else if (c.action === 'create' && !c.before) added.add(resourceKey(r));
    else if (c.action === 'update' || c.action === 'replace') changed.add(resourceKey(r));
  }
  return { added, removed, changed };
}

/** `#### Affected topology` with a Mermaid block and a legend; empty when nothing is affected. */
export function graphSection(resources: ResourceMap, highlight: Highlight, maxNodes: number | undefined, addedMeans: string, removedMeans: string): string[] {
  const graph = buildGraph(resources, { highlight, scope: 'affected', ...(maxNodes !== undefined ? { maxNodes } : {}) });
  if (graph.nodes.length === 0) return [];
  const note = omittedNote(graph);
  const legend = `Green: ${addedMeans} · red: ${removedMeans} · amber: changed · dashed: dead-letter · fine dots: alternate exchange.`;
  return [
    '#### Affected topology',
    '',
    ...codeBlock('mermaid', mermaidOf(graph).trimEnd().split('\n')),
    '',
    `<sub>${legend}${note ? ` Not shown: ${note} (only the affected resources and their direct neighbours are drawn).` : ''}</sub>`,
  ];
}

/**
 * Prose text safe in Markdown and HTML: entities for `&<>`, backslashes for
 * the characters that start inline formatting, links or table cells.
 */
export function mdText(s: string): string {
  return printable(s).replace(/[&<>]|[\\`*_[\]|~]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : `\\${ch}`));
}

/** A name as an inline code span: nothing inside is formatting, mentions or HTML. */
export function mdCode(s: string): string {
  const text = printable(s);
  if (text === '') return '`""`';
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Control characters (line breaks included) as spaces, so one name is one line. */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, ' ');
}
