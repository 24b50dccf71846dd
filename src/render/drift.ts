/**
 * Drift: how the live broker differs from the spec, read off a plan document.
 * Three groups: missing (declared, absent live), changed (field by field, live
 * against declared) and unmanaged (live, not declared, in the declared vhosts
 * and global kinds). Unmanaged resources are always listed, but fail drift
 * only where they are in the prune scope (the plan deletes them: `--prune`,
 * or `prune: true` on their vhost), or with `strict`: on a shared broker a
 * spec cannot declare the other teams' users. The report is a versioned JSON
 * contract like the plan; every renderer is built from it.
 */
import { describeResource } from '../model/change.js';
import { formatDiagnostic, type Diagnostic } from '../model/diagnostics.js';
import { resourceKey } from '../model/keys.js';
import type { PlanDocument } from '../model/plan.js';
import { KINDS, type Kind, type ResourceMap } from '../model/types.js';
import { renderJunit, type JunitCase } from './junit.js';
import { codeBlock, contextLine, details, graphSection, listWithin, mdText, plural, table, warningsSection, DEFAULT_DETAIL_BUDGET, DEFAULT_MAX_DETAILS, type MarkdownOptions } from './markdown.js';
import { plainStyle, type Style } from './style.js';

export const DRIFT_FORMAT_VERSION = 1;

export interface DriftEntry {
  readonly kind: Kind;
  readonly vhost: string;
  readonly name: string;
  /** The canonical resource key (see model/keys). */
  readonly key: string;
}

export interface DriftField {
  /** Dotted path, e.g. `arguments.x-max-length` */
  readonly field: string;
  /** Absent when the field is absent live */
  readonly live?: unknown;
  /** Absent when the field is absent in the spec */
  readonly declared?: unknown;
}

export interface DriftChanged extends DriftEntry {
  readonly fields: readonly DriftField[];
  /** True when bringing it back in line means deleting and re-declaring it. */
  readonly needs_replace: boolean;
}

export interface DriftUnmanaged extends DriftEntry {
  /** Messages in a queue, when known */
  readonly messages?: number;
  /** `warren apply` with the same prune scope deletes it (`--prune`, or `prune: true` on its vhost). */
  readonly in_prune_scope: boolean;
  /** It counts as drift: in the prune scope, or `strict`. */
  readonly fails_drift: boolean;
}

export interface DriftSummary {
  readonly missing: number;
  readonly changed: number;
  /** Every unmanaged resource listed: `unmanaged_failing + unmanaged_not_failing`. */
  readonly unmanaged: number;
  /** Unmanaged resources that count as drift (`fails_drift`). */
  readonly unmanaged_failing: number;
  /** Unmanaged resources listed for information only: outside the prune scope, not strict. */
  readonly unmanaged_not_failing: number;
}

/** How unmanaged resources are judged. */
export interface DriftOptions {
  /** Every unmanaged resource fails drift, in the prune scope or not (`warren drift --strict`). */
  readonly strict?: boolean;
  /** The vhosts whose undeclared resources the plan deletes: every declared one with `--prune`, else those with `prune: true`. */
  readonly pruneVhosts?: readonly string[];
}

export interface DriftReport {
  readonly format_version: typeof DRIFT_FORMAT_VERSION;
  readonly warren_version: string;
  readonly broker_version: string | null;
  readonly vhosts: readonly string[];
  /** `--strict`: every unmanaged resource fails drift. */
  readonly strict: boolean;
  /** `--prune`: every declared vhost and the global kinds the spec has sections for (users, ...) are in the prune scope. */
  readonly prune: boolean;
  /** Vhosts in the prune scope (all declared ones with `prune`, else those with `prune: true`); global kinds only with `prune`. */
  readonly prune_vhosts: readonly string[];
  /** Nothing fails drift: nothing missing or changed, and no unmanaged resource with `fails_drift`. */
  readonly in_sync: boolean;
  readonly missing: readonly DriftEntry[];
  readonly changed: readonly DriftChanged[];
  readonly unmanaged: readonly DriftUnmanaged[];
  readonly summary: DriftSummary;
  /** What the plan warned about: endpoints of a list that did not answer, policy keys, ... */
  readonly warnings: readonly Diagnostic[];
}

/**
 * The drift in a plan. A binding re-created only because its queue or
 * exchange is replaced exists live and is not drift of its own; deletes (the
 * plan's prune scope) are unmanaged resources in the prune scope, which fail
 * drift; the plan's other unmanaged resources fail it only with `strict`; the
 * users Warren connects as (listed by the plan as protected) are not listed.
 */
export function driftFromPlan(plan: PlanDocument, options: DriftOptions = {}): DriftReport {
  const strict = options.strict === true;
  const missing: DriftEntry[] = [];
  const changed: DriftChanged[] = [];
  const unmanagedOf = (e: DriftEntry, messages: number | undefined, inScope: boolean): DriftUnmanaged => ({
    ...entry(e),
    ...(messages !== undefined ? { messages } : {}),
    in_prune_scope: inScope,
    fails_drift: inScope || strict,
  });
  // The user Warren connects as (protected) is expected on the broker: not drift.
  const unmanaged: DriftUnmanaged[] = plan.unmanaged.filter((u) => u.protected === undefined).map((u) => unmanagedOf(u, u.messages, false));
  for (const c of plan.changes) {
    switch (c.action) {
      case 'create':
        if (!c.before) missing.push(entry(c));
        break;
      case 'update':
      case 'replace':
        changed.push({ ...entry(c), fields: c.fields.map((f) => ({ field: f.field, ...(f.before !== undefined ? { live: f.before } : {}), ...(f.after !== undefined ? { declared: f.after } : {}) })), needs_replace: c.action === 'replace' });
        break;
      case 'delete': {
        unmanaged.push(unmanagedOf(c, c.before?.kind === 'queue' ? c.before.messages : undefined, true));
        break;
      }
    }
  }
  missing.sort(byResource);
  changed.sort(byResource);
  unmanaged.sort(byResource);
  const failing = unmanaged.filter((u) => u.fails_drift).length;
  return {
    format_version: DRIFT_FORMAT_VERSION,
    warren_version: plan.warren_version,
    broker_version: plan.broker_version,
    vhosts: [...plan.vhosts],
    strict,
    prune: plan.prune,
    prune_vhosts: plan.prune ? [...plan.vhosts] : [...(options.pruneVhosts ?? [])],
    in_sync: missing.length + changed.length + failing === 0,
    missing,
    changed,
    unmanaged,
    summary: { missing: missing.length, changed: changed.length, unmanaged: unmanaged.length, unmanaged_failing: failing, unmanaged_not_failing: unmanaged.length - failing },
    warnings: plan.warnings,
  };
}

function entry(r: DriftEntry): DriftEntry {
  return { kind: r.kind, vhost: r.vhost, name: r.name, key: r.key };
}

const KIND_RANK = new Map<Kind, number>(KINDS.map((k, i) => [k, i]));

function byResource(a: DriftEntry, b: DriftEntry): number {
  return (KIND_RANK.get(a.kind) ?? 0) - (KIND_RANK.get(b.kind) ?? 0) || cmp(a.vhost, b.vhost) || cmp(a.name, b.name) || cmp(a.key, b.key);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const where = describeResource;

function show(v: unknown): string {
  return v === undefined ? '(absent)' : JSON.stringify(v);
}

function fieldLine(f: DriftField): string {
  return `${f.field}: live ${show(f.live)}, declared ${show(f.declared)}`;
}

function messagesOf(u: DriftUnmanaged): string {
  return u.messages !== undefined ? ` (${plural(u.messages, 'message')})` : '';
}

export function renderDriftJson(report: DriftReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function renderDriftText(report: DriftReport, style: Style = plainStyle): string {
  const scope = report.vhosts.map((v) => JSON.stringify(v)).join(', ');
  const lines = [style.bold(`Drift in vhost${report.vhosts.length === 1 ? '' : 's'} ${scope}${report.broker_version ? ` on RabbitMQ ${report.broker_version}` : ''}`), ''];
  if (report.warnings.length > 0) {
    lines.push(style.yellow('Warnings:'), ...report.warnings.map((w) => style.yellow(`  ${formatDiagnostic(w)}`)), '');
  }
  if (report.in_sync) {
    lines.push(style.green('In sync. The broker matches the spec.'), '');
  }
  if (report.missing.length > 0) {
    lines.push(style.red('Missing (declared, absent on the broker):'), ...report.missing.map((m) => style.red(`  - ${where(m)}`)), '');
  }
  if (report.changed.length > 0) {
    lines.push(style.yellow('Changed (live value → declared value):'));
    for (const c of report.changed) {
      lines.push(style.yellow(`  ~ ${where(c)}${c.needs_replace ? style.dim('  # needs a replace') : ''}`));
      for (const f of c.fields) lines.push(style.yellow(`      ${f.field}: ${show(f.live)} → ${show(f.declared)}`));
    }
    lines.push('');
  }
  const { failing, notFailing } = splitUnmanaged(report);
  if (failing.length > 0) {
    lines.push(style.cyan(`Unmanaged (on the broker, not declared; ${failingWhy(report)}):`), ...failing.map((u) => style.cyan(`  + ${where(u)}${messagesOf(u)}`)), '');
  }
  if (notFailing.length > 0) {
    lines.push(style.dim(`Unmanaged, not drift (on the broker, not declared; ${NOT_FAILING_WHY}):`), ...notFailing.map((u) => style.dim(`  + ${where(u)}${messagesOf(u)}`)), '');
  }
  if (report.unmanaged.length > 0) lines.push(style.dim(`Prune scope: ${pruneScopeText(report)}.`), '');
  lines.push(style.bold(`${headline(report)}${notFailingNote(report)}`));
  return `${lines.join('\n')}\n`;
}

/** What is listed under "unmanaged" and fails drift, and what is listed for information. */
function splitUnmanaged(report: DriftReport): { failing: DriftUnmanaged[]; notFailing: DriftUnmanaged[] } {
  return { failing: report.unmanaged.filter((u) => u.fails_drift), notFailing: report.unmanaged.filter((u) => !u.fails_drift) };
}

const NOT_FAILING_WHY = 'outside the prune scope; warren drift --strict counts them';

function failingWhy(report: DriftReport): string {
  return report.strict ? 'drift with --strict' : 'in the prune scope: warren apply deletes them';
}

/** `No drift.` or `Drift: 1 missing, 0 changed, 2 unmanaged.` (unmanaged that fail drift). */
function headline(report: DriftReport): string {
  const s = report.summary;
  return report.in_sync ? 'No drift.' : `Drift: ${s.missing} missing, ${s.changed} changed, ${s.unmanaged_failing} unmanaged.`;
}

function notFailingNote(report: DriftReport): string {
  const n = report.summary.unmanaged_not_failing;
  return n === 0 ? '' : ` ${plural(n, 'unmanaged resource')} outside the prune scope ${n === 1 ? 'is' : 'are'} listed, not counted.`;
}

/** Which undeclared resources a prune deletes, in words. */
function pruneScopeText(report: DriftReport): string {
  if (report.prune) return '--prune: every declared vhost, and the users and other global kinds the spec has sections for';
  if (report.prune_vhosts.length === 0) return 'none (no --prune, and no vhost has prune: true); users and other global kinds only with --prune';
  return `vhost${report.prune_vhosts.length === 1 ? '' : 's'} ${report.prune_vhosts.map((v) => JSON.stringify(v)).join(', ')} (prune: true); users and other global kinds only with --prune`;
}

/** The drift as a pull-request or issue comment; `graph` (declared and live merged) adds a Mermaid graph. */
export function renderDriftMarkdown(report: DriftReport, options: MarkdownOptions = {}): string {
  const s = report.summary;
  const out = ['<!-- warren:drift -->', '## Warren drift', ''];
  out.push(`${report.in_sync ? '**In sync.** The broker matches the spec.' : `**Drift: ${s.missing} missing, ${s.changed} changed, ${s.unmanaged_failing} unmanaged.**`}${notFailingNote(report)}`, '');
  out.push(contextLine(report.vhosts, report.broker_version, report.warren_version), '');
  out.push(...warningsSection(report.warnings));
  if (report.in_sync && report.unmanaged.length === 0) return `${out.join('\n').trimEnd()}\n`;

  const { failing, notFailing } = splitUnmanaged(report);
  const groups: [string, readonly DriftEntry[]][] = [['Missing', report.missing], ['Changed', report.changed], ['Unmanaged', failing]];
  if (notFailing.length > 0) groups.push(['Not drift (outside the prune scope)', notFailing]);
  const rows = KINDS.map((k) => [k, ...groups.map(([, list]) => list.filter((e) => e.kind === k).length)] as [string, ...number[]]).filter((r) => r.slice(1).some((n) => n !== 0));
  out.push(...table(['Kind', ...groups.map(([title]) => title)], rows, true), '');

  const max = options.maxDetails ?? DEFAULT_MAX_DETAILS;
  const budget = Math.floor((options.detailBudget ?? DEFAULT_DETAIL_BUDGET) / 3);
  const more = (n: number): string => `… and ${n} more`;
  if (report.missing.length > 0) {
    const lines = listWithin(report.missing, (m) => [`- ${where(m)}`], max, budget, more);
    out.push(...details(`Missing: ${report.missing.length} declared, absent on the broker`, codeBlock('diff', lines)), '');
  }
  if (report.changed.length > 0) {
    const changedLines = (c: DriftChanged): string[] => [
      `@@ ${where(c)} @@${c.needs_replace ? ' needs a replace' : ''}`,
      ...c.fields.flatMap((f) => [...(f.live !== undefined ? [`-   ${f.field}: ${JSON.stringify(f.live)}   (live)`] : []), ...(f.declared !== undefined ? [`+   ${f.field}: ${JSON.stringify(f.declared)}   (declared)`] : [])]),
    ];
    out.push(...details(`Changed: ${report.changed.length} ${report.changed.length === 1 ? 'differs' : 'differ'} from the spec`, codeBlock('diff', listWithin(report.changed, changedLines, max, budget, more))), '');
  }
  if (failing.length > 0) {
    const lines = listWithin(failing, (u) => [`+ ${where(u)}${messagesOf(u)}`], max, budget, more);
    out.push(...details(`Unmanaged: ${failing.length} on the broker, not declared (${failingWhy(report)})`, codeBlock('diff', lines)), '');
  }
  if (notFailing.length > 0) {
    const lines = listWithin(notFailing, (u) => [`  ${where(u)}${messagesOf(u)}`], max, budget, more);
    out.push(...details(`Not drift: ${notFailing.length} unmanaged (${NOT_FAILING_WHY})`, codeBlock('text', lines)), '');
  }
  if (report.unmanaged.length > 0) out.push(`Prune scope: ${mdText(pruneScopeText(report))}.`, '');
  if (options.graph && !report.in_sync) {
    const highlight = {
      added: new Set(report.unmanaged.map((u) => u.key)),
      removed: new Set(report.missing.map((m) => m.key)),
      changed: new Set(report.changed.map((c) => c.key)),
    };
    out.push(...graphSection(options.graph, highlight, options.maxNodes, 'unmanaged (live only)', 'missing (declared only)'));
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

/**
 * JUnit XML: one test case per declared resource (`warren.<kind>.<vhost>`,
 * named after the resource), failing when it is missing or changed, plus a
 * test case per unmanaged resource: failing when it fails drift, else skipped
 * (listed, not counted).
 */
export function renderDriftJunit(report: DriftReport, declared: ResourceMap): string {
  const missing = new Map(report.missing.map((m) => [m.key, m]));
  const changed = new Map(report.changed.map((c) => [c.key, c]));
  const seen = new Set<string>();
  const cases: (JunitCase & { readonly entry: DriftEntry })[] = [];
  const add = (e: DriftEntry): void => {
    if (seen.has(e.key)) return;
    seen.add(e.key);
    cases.push({ entry: e, ...caseOf(e, missing.get(e.key), changed.get(e.key)) });
  };
  for (const r of declared.values()) add({ kind: r.kind, vhost: r.vhost, name: r.name, key: resourceKey(r) });
  // Drift of something the given map does not hold still has to fail the build.
  for (const e of [...report.missing, ...report.changed]) add(e);
  cases.sort((a, b) => byResource(a.entry, b.entry));
  const unmanaged: JunitCase[] = report.unmanaged.map((u) => {
    const base = { classname: `warren.${u.kind}.${u.vhost}`, name: u.name };
    if (!u.fails_drift) return { ...base, skipped: `${where(u)}${messagesOf(u)} is on the broker but not declared; outside the prune scope, so not drift (warren drift --strict counts it)` };
    const why = u.in_prune_scope ? 'it is in the prune scope, so warren apply deletes it' : 'warren drift --strict counts it as drift';
    return {
      ...base,
      failure: { type: 'unmanaged', message: `${where(u)} is on the broker but not declared`, text: `${where(u)}${messagesOf(u)} exists live but the spec does not declare it (${why}); declare it, or delete it (warren apply --prune)` },
    };
  });
  const warnings = report.warnings.map((w) => formatDiagnostic(w)).join('\n');
  return renderJunit([
    {
      name: 'warren drift',
      cases: [...cases.map(({ classname, name, failure }) => ({ classname, name, ...(failure ? { failure } : {}) })), ...unmanaged],
      ...(warnings !== '' ? { systemOut: warnings } : {}),
    },
  ]);
}

function caseOf(e: DriftEntry, missing: DriftEntry | undefined, changed: DriftChanged | undefined): JunitCase {
  const base = { classname: `warren.${e.kind}.${e.vhost}`, name: e.name };
  if (missing) {
    return { ...base, failure: { type: 'missing', message: `${where(e)} is declared but missing on the broker`, text: `${where(e)} is declared but does not exist live; warren apply creates it` } };
  }
  if (changed) {
    const fields = changed.fields.map((f) => f.field).join(', ');
    const text = [`${where(e)} differs from the spec${changed.needs_replace ? ' (bringing it back needs a replace)' : ''}:`, ...changed.fields.map((f) => `  ${fieldLine(f)}`)].join('\n');
    return { ...base, failure: { type: 'changed', message: `${where(e)} differs from the spec: ${fields}`, text } };
  }
  return base;
}
