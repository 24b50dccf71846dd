/**
 * `lintSpec`: run every enabled rule over a desired topology. Pure: the
 * spec's `lint:` settings and a configuration (from `--config`) decide each
 * rule's level; the configuration wins.
 */
import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import { LINT_LEVELS, type LintLevel } from '../model/spec-extras.js';
import { atLeast, parseVersion } from '../model/versions.js';
import type { Desired, SourceLocation } from '../model/types.js';
import { closest } from '../spec/suggest.js';
import { checkDeprecatedFeatures, checkVersionSupport } from '../spec/version-check.js';
import { supersede } from '../spec/supersede.js';
import { LINT_RULES, checkFor } from './rules.js';
import type { LintFinding, LintRuleInfo, LintSeverity } from './types.js';

export const LINT_REPORT_FORMAT_VERSION = 1;

/** Rule levels from a configuration file, with where each was set (for messages). */
export interface LintConfig {
  readonly rules: Readonly<Record<string, LintLevel>>;
  /** The file the configuration came from. */
  readonly file?: string;
  /** Where each rule's entry is in that file, by code (absent: line 1). */
  readonly at?: Readonly<Record<string, SourceLocation>>;
}

export interface LintOptions {
  /**
   * The target broker version. Rules for 4.x (and any rule with
   * `minBrokerVersion`) run only when it is known and recent enough; with it,
   * the spec is also checked against what that version takes by default
   * (spec/version-check: deprecated features, policy keys, arguments, exchange types).
   */
  readonly brokerVersion?: string;
  readonly config?: LintConfig;
  /** Problems found before linting (warnings of loading the spec): reported and counted with the findings. */
  readonly diagnostics?: readonly Diagnostic[];
}

/** Warnings of loading the spec that a rule reports too: shown once, as the rule's finding, when the rule runs. */
const SPEC_WARNINGS_WITH_RULES: Readonly<Record<string, string>> = {
  ALTERNATE_EXCHANGE_UNDECLARED: 'UNDECLARED_ALTERNATE_EXCHANGE',
  TRANSIENT_QUEUE_DEPRECATED: 'TRANSIENT_QUEUE_ON_4X',
  PLAIN_TEXT_PASSWORD: 'PLAIN_TEXT_PASSWORD',
};

/** Deprecated features that lint rules of their own report (and that their level, `off` included, governs). */
const FEATURES_WITH_RULES: ReadonlySet<string> = new Set(['classic_queue_mirroring', 'transient_nonexcl_queues']);

export interface LintReport {
  readonly format_version: typeof LINT_REPORT_FORMAT_VERSION;
  readonly broker_version: string | null;
  /** Sorted by file, line, column, code. */
  readonly findings: readonly LintFinding[];
  /** Problems outside the rules: the spec's warnings, and what `broker_version` refuses or deprecates. */
  readonly diagnostics: readonly Diagnostic[];
  /** Findings and diagnostics together: what the report shows. */
  readonly summary: { readonly error: number; readonly warning: number; readonly note: number };
  /** Every rule with the level it ran at (`off`: it did not run), and why it was skipped. */
  readonly rules: readonly { readonly code: string; readonly level: LintLevel; readonly skipped?: string }[];
}

/** Lint `desired`; configuration problems (unknown codes) come back as diagnostics. */
export function lintSpec(desired: Desired, options: LintOptions = {}): { report: LintReport; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const levels = new Map<string, LintLevel>();
  for (const [code, { level, source }] of desired.lint?.rules ?? []) {
    if (checkCode(code, source, diagnostics)) levels.set(code, level);
  }
  for (const [code, level] of Object.entries(options.config?.rules ?? {})) {
    const where: SourceLocation | undefined =
      options.config?.at?.[code] ?? (options.config?.file === undefined ? undefined : { file: options.config.file, line: 1, column: 1, path: `/rules/${code}` });
    if (!(LINT_LEVELS as readonly string[]).includes(level)) {
      diagnostics.push(diagnostic('LINT_CONFIG_INVALID', `lint rule ${code} is set to ${JSON.stringify(level)}; use one of ${LINT_LEVELS.join(', ')}`, where));
      continue;
    }
    if (checkCode(code, where, diagnostics)) levels.set(code, level);
  }

  const findings: LintFinding[] = [];
  const rules: LintReport['rules'][number][] = [];
  for (const rule of LINT_RULES) {
    const level = levels.get(rule.code) ?? rule.defaultLevel;
    const skipped = level === 'off' ? undefined : skipReason(rule, options.brokerVersion);
    rules.push({ code: rule.code, level, ...(skipped === undefined ? {} : { skipped }) });
    if (level === 'off' || skipped !== undefined) continue;
    for (const raw of checkFor(rule.code)({ desired, ...(options.brokerVersion === undefined ? {} : { brokerVersion: options.brokerVersion }) })) {
      findings.push({
        code: rule.code,
        severity: level,
        message: raw.message,
        hint: raw.hint ?? rule.hint,
        ...(raw.at ? { file: raw.at.file, line: raw.at.line, column: raw.at.column, path: raw.path ?? raw.at.path } : {}),
      });
    }
  }
  findings.sort(
    (a, b) => cmp(a.file ?? '', b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || cmp(a.code, b.code) || cmp(a.message, b.message),
  );
  if (options.brokerVersion !== undefined && parseVersion(options.brokerVersion).length === 0) {
    diagnostics.push(diagnostic('INVALID_BROKER_VERSION', `broker version ${JSON.stringify(options.brokerVersion)} is not a version; give it as e.g. 4.3 or 3.10.8`));
  }
  const facts = options.brokerVersion === undefined ? undefined : { version: options.brokerVersion };
  const ran = new Set(rules.filter((r) => r.level !== 'off' && r.skipped === undefined).map((r) => r.code));
  const fromSpec = (options.diagnostics ?? []).filter((d) => {
    const rule = SPEC_WARNINGS_WITH_RULES[d.code];
    return rule === undefined || !ran.has(rule);
  });
  const informed = facts === undefined ? [] : [...checkDeprecatedFeatures(desired, facts, { skip: FEATURES_WITH_RULES }), ...checkVersionSupport(desired, facts, { exchangeTypes: true })];
  // One report per problem: what the version says replaces the spec's version-blind warning.
  const once = supersede(fromSpec, informed);
  const reported = [...once.spec, ...once.informed];
  const count = (s: LintSeverity): number => findings.filter((f) => f.severity === s).length + reported.filter((d) => d.severity === s).length;
  return {
    report: {
      format_version: LINT_REPORT_FORMAT_VERSION,
      broker_version: options.brokerVersion ?? null,
      findings,
      diagnostics: reported,
      summary: { error: count('error'), warning: count('warning'), note: count('note') },
      rules,
    },
    diagnostics,
  };
}

/**
 * Read a `--config` document: `{ rules: {...} }` or `{ lint: { rules: {...} } }`.
 * `locate` (a JSON pointer → its place in the file) puts each rule's problems at its entry.
 */
export function parseLintConfig(
  value: unknown,
  file: string,
  locate?: (pointer: string) => SourceLocation | undefined,
): { config?: LintConfig; diagnostics: Diagnostic[] } {
  const at: SourceLocation = { file, line: 1, column: 1, path: '' };
  const nested = isRecord(value) && isRecord(value['lint']);
  const root = nested ? value['lint'] : value;
  const entry = (code: string): SourceLocation => {
    const pointer = `${nested ? '/lint' : ''}/rules/${code.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    return locate?.(pointer) ?? { ...at, path: pointer };
  };
  if (!isRecord(root) || (root['rules'] !== undefined && !isRecord(root['rules']))) {
    return { diagnostics: [diagnostic('LINT_CONFIG_INVALID', 'a lint configuration is a map `rules: { CODE: off | note | warning | error }` (or the same under `lint:`)', at)] };
  }
  const rules: Record<string, LintLevel> = {};
  const where: Record<string, SourceLocation> = {};
  const diagnostics: Diagnostic[] = [];
  for (const [code, level] of Object.entries((root['rules'] as Record<string, unknown> | undefined) ?? {})) {
    where[code] = entry(code);
    if (typeof level === 'string' && (LINT_LEVELS as readonly string[]).includes(level)) rules[code] = level as LintLevel;
    else diagnostics.push(diagnostic('LINT_CONFIG_INVALID', `lint rule ${code} is set to ${JSON.stringify(level)}; use one of ${LINT_LEVELS.join(', ')}`, where[code]));
  }
  return { config: { rules, file, at: where }, diagnostics };
}

export function ruleInfo(code: string): LintRuleInfo | undefined {
  return LINT_RULES.find((r) => r.code === code);
}

function checkCode(code: string, at: SourceLocation | undefined, out: Diagnostic[]): boolean {
  if (ruleInfo(code)) return true;
  const mean = closest(code, LINT_RULES.map((r) => r.code));
  out.push(
    diagnostic('LINT_UNKNOWN_RULE', `there is no lint rule ${code}${mean !== undefined ? `; did you mean ${mean}?` : `; the rules are ${LINT_RULES.map((r) => r.code).join(', ')}`}`, at),
  );
  return false;
}

function skipReason(rule: LintRuleInfo, brokerVersion: string | undefined): string | undefined {
  if (rule.minBrokerVersion === undefined) return undefined;
  if (brokerVersion === undefined) return `runs only for RabbitMQ ${rule.minBrokerVersion} or later; give --broker-version`;
  return atLeast(brokerVersion, rule.minBrokerVersion) ? undefined : `the target is RabbitMQ ${brokerVersion}, older than ${rule.minBrokerVersion}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
