/**
 * Which step made the broker close a whole AMQP connection.
 *
 * Some refusals close the connection, not the channel: on 3.10 an unknown
 * exchange type (503 COMMAND_INVALID), on 4.3 a queue using a denied
 * deprecated feature such as `x-queue-master-locator` (541 INTERNAL_ERROR).
 * Every step in flight on the connection's channels then dies with the same
 * "channel ended" error, and the close frame does not say which channel
 * caused it (amqplib does not even pass on its class and method ids). The
 * reason text does, for the cases that matter: it names the exchange type or
 * the deprecated feature, which one declaration in flight uses. Steps that
 * died with the connection without causing it were never confirmed: they are
 * pending, not failed, and a re-run applies them (declares are idempotent).
 */
import type { PlannedChange } from '../model/plan.js';
import type { Resource } from '../model/types.js';
import type { AmqpFailure } from './errors.js';

/** A step that died with its connection, in the order the failures came. */
export interface ConnectionLoss<C> {
  readonly index: number;
  readonly change: PlannedChange;
  /** The connection it died with (steps of one connection are judged together) */
  readonly connection: C;
  /** Why the broker closed it; undefined when it just went away (a reset socket) */
  readonly closedBy: AmqpFailure | undefined;
}

export interface Attribution<L> {
  /** The step each lost connection is pinned on: the one the reason names, the only one in flight, or (unknown) the first in plan order */
  readonly blamed: ReadonlyArray<{ readonly loss: L; readonly certain: boolean; readonly bystanders: number }>;
  /** The others: not confirmed, so pending */
  readonly unconfirmed: readonly L[];
}

/** Sorts the steps lost with each connection into the one to blame and the unconfirmed rest. */
export function attributeLosses<C, L extends ConnectionLoss<C>>(losses: readonly L[]): Attribution<L> {
  const byConnection = new Map<C, L[]>();
  for (const l of losses) {
    const g = byConnection.get(l.connection);
    if (g) g.push(l);
    else byConnection.set(l.connection, [l]);
  }
  const blamed: Array<Attribution<L>['blamed'][number]> = [];
  const unconfirmed: L[] = [];
  for (const group of byConnection.values()) {
    const named = group.filter((l) => l.closedBy !== undefined && causedClose(l.change, l.closedBy));
    const certain = named.length > 0 || group.length === 1;
    const culprits = named.length > 0 ? named : [[...group].sort((a, b) => a.index - b.index)[0] as L];
    for (const c of culprits) blamed.push({ loss: c, certain, bystanders: group.length - culprits.length });
    for (const l of group) if (!culprits.includes(l)) unconfirmed.push(l);
  }
  return { blamed, unconfirmed };
}

/** True when the broker's reason for closing the connection names something this change declares. */
export function causedClose(change: PlannedChange, closedBy: AmqpFailure): boolean {
  const after = change.action === 'delete' ? undefined : change.after;
  if (!after) return false;
  const type = /unknown exchange type '([^']*)'/.exec(closedBy.text);
  if (type) return after.kind === 'exchange' && after.type === type[1];
  const feature = /Feature `([^`]+)` is deprecated/.exec(closedBy.text);
  if (feature) return DEPRECATED_FEATURE_USE[feature[1] ?? '']?.(after) ?? false;
  return false;
}

/**
 * Deprecated features a declaration can use, by the name the broker gives
 * them (`/api/deprecated-features`; rabbitmq-semantics.md §7): denied ones
 * close the connection of the declare.
 */
const DEPRECATED_FEATURE_USE: Readonly<Record<string, (r: Resource) => boolean>> = {
  queue_master_locator: (r) => r.kind === 'queue' && Object.hasOwn(r.arguments, 'x-queue-master-locator'),
  // Warren never declares exclusive queues: a transient one is non-exclusive
  transient_nonexcl_queues: (r) => r.kind === 'queue' && !r.durable,
};
