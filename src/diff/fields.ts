import type { Kind } from '../model/types.js';

/** How a field behaves on the broker once the resource exists. */
export type Mutability = 'mutable' | 'immutable';

export interface FieldRule {
  readonly field: string;
  readonly mutability: Mutability;
  /** Only compared when true for the live side (e.g. a value the broker version reports) */
  readonly optionalLive?: boolean;
}

/**
 * Which properties each kind has, and whether RabbitMQ can change them in
 * place. Immutable fields force a replace (delete + re-declare); the broker
 * would refuse a redeclare with 406, or worse, accept it and keep the old
 * value (unknown x-arguments, exchange arguments other than
 * `alternate-exchange`), so only the diff can catch them.
 */
export const FIELD_RULES: Readonly<Record<Kind, readonly FieldRule[]>> = {
  vhost: [
    { field: 'description', mutability: 'mutable' },
    { field: 'tags', mutability: 'mutable' },
  ],
  exchange: [
    { field: 'type', mutability: 'immutable' },
    { field: 'durable', mutability: 'immutable' },
    { field: 'auto_delete', mutability: 'immutable' },
    { field: 'internal', mutability: 'immutable' },
    { field: 'arguments', mutability: 'immutable' },
  ],
  queue: [
    { field: 'type', mutability: 'immutable' },
    { field: 'durable', mutability: 'immutable' },
    { field: 'auto_delete', mutability: 'immutable' },
    { field: 'arguments', mutability: 'immutable' },
  ],
  // A binding is its identity: it is created or deleted, never changed.
  binding: [],
};
