import type { Action, Change, Unmanaged } from './change.js';
import type { Diagnostic } from './diagnostics.js';

export const PLAN_FORMAT_VERSION = 1;

/**
 * Apply phases in execution order: creates outward-in (vhosts, users, their
 * permissions and limits, exchanges, queues, bindings, the topic permissions
 * that name exchanges, then the policies that apply to the queues and the
 * parameters, such as shovels, that need them), then deletes in the reverse
 * order. Every resource is written after every resource it names.
 */
export const PHASES = [
  'vhosts',
  'users',
  'permissions',
  'limits',
  'exchanges',
  'queues',
  'bind',
  'topic-permissions',
  'policies',
  'parameters',
  'delete-parameters',
  'delete-policies',
  'delete-topic-permissions',
  'unbind',
  'delete-queues',
  'delete-exchanges',
  'delete-limits',
  'delete-permissions',
  'delete-users',
] as const;
export type Phase = (typeof PHASES)[number];

/** A danger the reviewer must see; apply refuses it unless `allowed_by` is given. */
export interface Hazard {
  /** Stable code, e.g. `QUEUE_DATA_LOSS` */
  readonly code: string;
  readonly message: string;
  /** Key of the change that causes it */
  readonly change: string;
  /** The apply flag that allows it, e.g. `--allow-data-loss` */
  readonly allowed_by: string;
  /** Other flags that allow it too, e.g. `--migrate` for a queue replace (the messages are moved, not lost) */
  readonly also_allowed_by?: readonly string[];
}

/** A queue or exchange a policy applies to. */
export interface PolicyMatch {
  readonly kind: 'queue' | 'exchange';
  readonly name: string;
}

/** A change placed in its apply phase. Changes in one phase are independent of each other. */
export interface PlannedChange extends Change {
  readonly phase: Phase;
  /**
   * Policies and operator policies only: the queues and exchanges of the vhost
   * this policy applies to after the apply (for a delete: before it), taking
   * apply-to, the keys each queue type supports and priorities into account.
   */
  readonly matches?: readonly PolicyMatch[];
}

export interface PlanSummary {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  readonly unmanaged: number;
}

/**
 * The plan: the JSON contract (`warren plan --format json`) that renderers
 * read and `apply` executes. Plain data only.
 */
export interface PlanDocument {
  readonly format_version: typeof PLAN_FORMAT_VERSION;
  readonly warren_version: string;
  /** Broker version the plan was computed against */
  readonly broker_version: string | null;
  /** Vhosts the spec declares (the scope of the plan) */
  readonly vhosts: readonly string[];
  readonly prune: boolean;
  /** In execution order, grouped by phase */
  readonly changes: readonly PlannedChange[];
  readonly unmanaged: readonly Unmanaged[];
  readonly hazards: readonly Hazard[];
  readonly warnings: readonly Diagnostic[];
  readonly summary: PlanSummary;
  /**
   * Digest of the live state of every resource a change touches, keyed by
   * change key; `apply plan.json` refuses when the broker no longer matches.
   */
  readonly fingerprint?: Readonly<Record<string, string>>;
}

export type ActionCounts = Record<Action, number>;
