import type { LintLevel } from '../model/spec-extras.js';
import type { Desired, SourceLocation } from '../model/types.js';

/** The severity of a finding: `note` is advice, `error` makes `warren lint` exit 1. */
export type LintSeverity = Exclude<LintLevel, 'off'>;

/** A rule's data: everything but its check. */
export interface LintRuleInfo {
  /** Stable code, SCREAMING_SNAKE; never renamed once released. */
  readonly code: string;
  readonly defaultLevel: LintSeverity;
  /** One line: what the rule finds. */
  readonly title: string;
  /** Why it matters, in a few sentences. */
  readonly description: string;
  /** What to do about a finding. */
  readonly hint: string;
  /** Runs only for brokers of at least this version, and only when the version is known. */
  readonly minBrokerVersion?: string;
}

/** What a check reports; the engine adds the code, severity and hint. */
export interface RawFinding {
  readonly message: string;
  readonly at?: SourceLocation;
  /** JSON pointer of the offending field, when it is more precise than `at.path`. */
  readonly path?: string;
  /** A more specific hint than the rule's. */
  readonly hint?: string;
}

export interface LintFinding {
  readonly code: string;
  readonly severity: LintSeverity;
  readonly message: string;
  readonly hint: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** JSON pointer inside the document */
  readonly path?: string;
}

export interface LintContext {
  readonly desired: Desired;
  /** Known only with `--broker-version`. */
  readonly brokerVersion?: string;
}

export type LintCheck = (ctx: LintContext) => RawFinding[];
