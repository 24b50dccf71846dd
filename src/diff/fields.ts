import type { Kind } from '../model/types.js';
import type { VersionFeature } from '../model/versions.js';

/** How a field behaves on the broker once the resource exists. */
export type Mutability = 'mutable' | 'immutable';

/**
 * How a field is compared: `value` strictly, `set` as an unordered list,
 * `table` key by key with AMQP value classes (reported as `field.key`),
 * `json` key by key with secrets revealed and environment references
 * resolved, `password` against the live hash, `flag` as a boolean that is
 * false when absent (see compare.ts).
 */
export type Comparison = 'value' | 'set' | 'table' | 'json' | 'password' | 'flag';

export interface FieldRule {
  readonly field: string;
  readonly mutability: Mutability;
  readonly compare?: Comparison;
  /** Immutable before this broker feature, mutable from it on (see model/versions). */
  readonly mutableSince?: VersionFeature;
}

/**
 * Which properties each kind has, and whether RabbitMQ can change them in
 * place. Immutable fields force a replace (delete + re-declare); the broker
 * would refuse a redeclare with 406, or worse, accept it and keep the old
 * value (unknown x-arguments, exchange arguments other than
 * `alternate-exchange`), so only the diff can catch them.
 *
 * Everything but exchanges and queues is set with an HTTP PUT that
 * overwrites it: a changed policy, permission, limit or parameter is an
 * update, never a replace.
 */
export const FIELD_RULES: Readonly<Record<Kind, readonly FieldRule[]>> = {
  vhost: [
    { field: 'description', mutability: 'mutable' },
    { field: 'tags', mutability: 'mutable', compare: 'set' },
    // 3.10/3.11 set it only when the vhost is created (rabbitmq-semantics.md §7).
    { field: 'default_queue_type', mutability: 'immutable', mutableSince: 'vhost_default_queue_type_update' },
    // Set and lifted apart from the vhost (POST/DELETE /api/vhosts/V/deletion/protection); absent before 4.0.6.
    { field: 'protected_from_deletion', mutability: 'mutable', compare: 'flag' },
  ],
  exchange: [
    { field: 'type', mutability: 'immutable' },
    { field: 'durable', mutability: 'immutable' },
    { field: 'auto_delete', mutability: 'immutable' },
    { field: 'internal', mutability: 'immutable' },
    { field: 'arguments', mutability: 'immutable', compare: 'table' },
  ],
  queue: [
    { field: 'type', mutability: 'immutable' },
    { field: 'durable', mutability: 'immutable' },
    { field: 'auto_delete', mutability: 'immutable' },
    { field: 'arguments', mutability: 'immutable', compare: 'table' },
  ],
  // A binding is its identity: it is created or deleted, never changed.
  binding: [],
  user: [
    { field: 'tags', mutability: 'mutable', compare: 'set' },
    { field: 'password', mutability: 'mutable', compare: 'password' },
  ],
  permission: [
    { field: 'configure', mutability: 'mutable' },
    { field: 'write', mutability: 'mutable' },
    { field: 'read', mutability: 'mutable' },
  ],
  topic_permission: [
    { field: 'write', mutability: 'mutable' },
    { field: 'read', mutability: 'mutable' },
  ],
  vhost_limit: [{ field: 'value', mutability: 'mutable' }],
  user_limit: [{ field: 'value', mutability: 'mutable' }],
  policy: [
    { field: 'pattern', mutability: 'mutable' },
    { field: 'apply_to', mutability: 'mutable' },
    { field: 'priority', mutability: 'mutable' },
    { field: 'definition', mutability: 'mutable', compare: 'table' },
  ],
  operator_policy: [
    { field: 'pattern', mutability: 'mutable' },
    { field: 'apply_to', mutability: 'mutable' },
    { field: 'priority', mutability: 'mutable' },
    { field: 'definition', mutability: 'mutable', compare: 'table' },
  ],
  parameter: [{ field: 'value', mutability: 'mutable', compare: 'json' }],
  global_parameter: [{ field: 'value', mutability: 'mutable', compare: 'json' }],
};
