/**
 * What a spec means when it leaves an optional field out: one table for every
 * kind, applied once by spec/ (the live side always has every field). The
 * README section "What the diff gets right" states the same rules.
 *
 * - `unmanaged`: the field is left to the broker. An existing resource keeps
 *   its live value and no change is ever planned for the field; a new one is
 *   created with `value` (the broker's own default). Written explicitly, even
 *   as `""` or `[]`, the field is managed.
 * - `default`: leaving the field out means `value`, and a live resource that
 *   differs is changed (or replaced). For fields that are part of a resource's
 *   identity, that decide replace-vs-update (immutable once declared: Warren
 *   redeclares with the full set, and the broker compares them), or that decide
 *   what the broker does with messages (which policy applies).
 *
 * Required fields (a permission's three patterns, a limit's value, a
 * parameter's value, ...) are not listed: a spec always writes them. Absent
 * resources (a limit, a parameter, a user not written) are a different matter:
 * they are unmanaged live resources, see diff/.
 */
import type { Kind } from './types.js';

export type UnsetMeaning = 'unmanaged' | 'default';

export interface OptionalField {
  readonly unset: UnsetMeaning;
  /** What a new resource gets (`unmanaged`), or what leaving it out means (`default`). */
  readonly value: unknown;
  /** Why the field is treated this way. */
  readonly why: string;
}

const IMMUTABLE = 'immutable once declared: it decides replace-vs-update';

/** Optional fields by kind, by their name in the model (a policy's `apply-to` is `apply_to`). */
export const OPTIONAL_FIELDS = {
  vhost: {
    description: { unset: 'unmanaged', value: '', why: 'metadata; RabbitMQ writes its own on the default vhost' },
    tags: { unset: 'unmanaged', value: [], why: 'metadata' },
    default_queue_type: {
      unset: 'unmanaged',
      value: 'classic',
      why: 'the broker may choose it (node-wide default_queue_type); Warren declares each queue with its type, `classic` when neither the queue nor the spec\'s vhost says',
    },
    protected_from_deletion: { unset: 'unmanaged', value: false, why: 'set apart from the vhost (RabbitMQ 4.0.6+), often by an operator with rabbitmqctl' },
  },
  exchange: {
    durable: { unset: 'default', value: true, why: IMMUTABLE },
    auto_delete: { unset: 'default', value: false, why: IMMUTABLE },
    internal: { unset: 'default', value: false, why: IMMUTABLE },
    arguments: { unset: 'default', value: {}, why: IMMUTABLE },
  },
  queue: {
    type: { unset: 'default', value: 'classic', why: `${IMMUTABLE}; the spec's vhost default_queue_type when it has one` },
    durable: { unset: 'default', value: true, why: IMMUTABLE },
    auto_delete: { unset: 'default', value: false, why: IMMUTABLE },
    arguments: { unset: 'default', value: {}, why: IMMUTABLE },
  },
  binding: {
    destination_type: { unset: 'default', value: 'queue', why: 'part of the binding\'s identity' },
    routing_key: { unset: 'default', value: '', why: 'part of the binding\'s identity' },
    arguments: { unset: 'default', value: {}, why: 'part of the binding\'s identity' },
  },
  user: {
    tags: { unset: 'unmanaged', value: [], why: 'like the password: a spec that names a user without them leaves them as they are' },
  },
  policy: {
    apply_to: { unset: 'default', value: 'all', why: 'decides which queues and exchanges the policy applies to (RabbitMQ\'s default)' },
    priority: { unset: 'default', value: 0, why: 'decides which policy applies when several match (RabbitMQ\'s default)' },
  },
  operator_policy: {
    apply_to: { unset: 'default', value: 'all', why: 'decides which queues the policy applies to (RabbitMQ\'s default)' },
    priority: { unset: 'default', value: 0, why: 'decides which policy applies when several match (RabbitMQ\'s default)' },
  },
} as const satisfies Partial<Record<Kind, Readonly<Record<string, OptionalField>>>>;

type Table = typeof OPTIONAL_FIELDS;

/** The fields of `kind` that are unmanaged when a spec leaves them out. */
export type UnmanagedField<K extends keyof Table> = {
  [F in keyof Table[K]]: Table[K][F] extends { unset: 'unmanaged' } ? F : never;
}[keyof Table[K]];

/**
 * The unmanaged fields of `kind` that `written` (the fields a spec sets,
 * undefined where it does not) leaves out, in table order.
 */
export function unsetFields<K extends keyof Table>(kind: K, written: { readonly [F in UnmanagedField<K>]?: unknown }): UnmanagedField<K>[] {
  const out: UnmanagedField<K>[] = [];
  for (const [field, rule] of Object.entries(OPTIONAL_FIELDS[kind]) as [UnmanagedField<K>, OptionalField][]) {
    if (rule.unset === 'unmanaged' && written[field] === undefined) out.push(field);
  }
  return out;
}
