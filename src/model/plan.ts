import type { Action, Change, Unmanaged } from './change.js';
import type { Diagnostic } from './diagnostics.js';

export const PLAN_FORMAT_VERSION = 1;

/** Apply phases in execution order: creates outward-in, deletes in reverse. */
export const PHASES = [
  'vhosts',
  'exchanges',
  'queues',
  'bind',
  'unbind',
  'delete-queues',
  'delete-exchanges',
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
}

/** A change placed in its apply phase. Changes in one phase are independent of each other. */
export interface PlannedChange extends Change {
  readonly phase: Phase;
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
}

export type ActionCounts = Record<Action, number>;
