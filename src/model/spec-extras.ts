/**
 * Parts of a native spec that are not broker resources: topology tests
 * (`tests:`) and lint settings (`lint:`). They ride along on `Desired` and are
 * never diffed or applied.
 */
import type { ArgValue, SourceLocation } from './types.js';

/** One case of `tests:`: publish this message, expect exactly these queues. */
export interface TopologyTestCase {
  /** `name`, or a generated `exchange [routing_key]` label. */
  readonly name: string;
  readonly vhost: string;
  /** `""` is the default exchange. */
  readonly exchange: string;
  readonly routing_key: string;
  /** Typed header values, as written in the spec. */
  readonly headers?: Readonly<Record<string, ArgValue>>;
  /** The exact set of queues that get a copy, sorted and unique. */
  readonly expect: readonly string[];
  /** The message must be unroutable (a mandatory publish is returned). */
  readonly expect_unroutable: boolean;
  readonly source: SourceLocation;
}

/** `off` disables a rule; the others set the severity of its findings. */
export const LINT_LEVELS = ['off', 'note', 'warning', 'error'] as const;
export type LintLevel = (typeof LINT_LEVELS)[number];

/** `lint:` of a spec: per-rule levels, each with where it was set. */
export interface LintSettings {
  readonly rules: ReadonlyMap<string, { readonly level: LintLevel; readonly source?: SourceLocation }>;
}
