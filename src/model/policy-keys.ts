/**
 * Policy definition keys, as data (rabbitmq-semantics.md §4 and §7): which
 * keys exist in which versions, which operator policies may set, and which
 * keys each queue type does not support (a policy with such a key does not
 * apply to a queue of that type at all: `unsupported_policies` in each queue
 * type's `capabilities/0`).
 *
 * A key without `since` is known to 3.10, the oldest version Warren supports.
 * Measured by setting each key over HTTP on 3.10.8 and 4.3.6 (a key a
 * version does not know answers 400 "are not recognised policy settings").
 */
import type { QueueType } from './types.js';
import { atLeast, type VersionFeature } from './versions.js';

export interface PolicyKeyRule {
  /** Applies to queues, exchanges or both */
  readonly target: 'queues' | 'exchanges' | 'all';
  /** Allowed in operator policies */
  readonly operator?: boolean;
  /** First version that knows the key (absent: 3.10 or older) */
  readonly since?: string;
  /** First version that no longer knows it */
  readonly removedIn?: string;
  /**
   * The deprecated feature the key uses (model/deprecated-features): whether
   * the broker takes it follows that feature's state, read live where possible.
   */
  readonly feature?: string;
  /** The plugin that registers the key, when not the core broker */
  readonly plugin?: string;
}

const HA = { target: 'queues', feature: 'classic_queue_mirroring' } as const;

export const POLICY_KEYS: Readonly<Record<string, PolicyKeyRule>> = {
  'alternate-exchange': { target: 'exchanges' },
  'dead-letter-exchange': { target: 'queues' },
  'dead-letter-routing-key': { target: 'queues' },
  'dead-letter-strategy': { target: 'queues' },
  'message-ttl': { target: 'queues', operator: true },
  expires: { target: 'queues', operator: true },
  'max-length': { target: 'queues', operator: true },
  'max-length-bytes': { target: 'queues', operator: true },
  'max-in-memory-length': { target: 'queues', operator: true },
  'max-in-memory-bytes': { target: 'queues', operator: true },
  'delivery-limit': { target: 'queues', operator: true },
  overflow: { target: 'queues' },
  'queue-mode': { target: 'queues' },
  'queue-version': { target: 'queues' },
  'queue-master-locator': { target: 'queues', feature: 'queue_master_locator' },
  'queue-leader-locator': { target: 'queues' },
  'max-age': { target: 'queues' },
  'stream-max-segment-size-bytes': { target: 'queues' },
  'initial-cluster-size': { target: 'queues' },
  'consumer-timeout': { target: 'queues', since: '3.12.0' },
  'stream-filter-size-bytes': { target: 'queues', since: '3.13.0' },
  'target-group-size': { target: 'queues', since: '3.13.0' },
  'delayed-retry-type': { target: 'queues', since: '4.3.0' },
  'delayed-retry-min': { target: 'queues', since: '4.3.0' },
  'delayed-retry-max': { target: 'queues', since: '4.3.0' },
  'ha-mode': HA,
  'ha-params': HA,
  'ha-sync-mode': HA,
  'ha-sync-batch-size': HA,
  'ha-promote-on-shutdown': HA,
  'ha-promote-on-failure': HA,
  'federation-upstream': { target: 'all', plugin: 'rabbitmq_federation' },
  'federation-upstream-set': { target: 'all', plugin: 'rabbitmq_federation' },
};

/**
 * Settings that look like policy keys but that no version takes in a policy
 * (400 on 3.10.8 and 4.3.6), with what to use instead.
 */
export const NOT_POLICY_KEYS: Readonly<Record<string, string>> = {
  'single-active-consumer': 'the queue argument `x-single-active-consumer`',
  'max-priority': 'the queue argument `x-max-priority` (classic queues)',
};

/** True when a broker of `version` takes the key (it knows the key and has not dropped it). */
export function policyKeyIn(rule: PolicyKeyRule, version: string): boolean {
  return (rule.since === undefined || atLeast(version, rule.since)) && (rule.removedIn === undefined || !atLeast(version, rule.removedIn));
}

/**
 * Runtime-parameter components that a plugin registers: without it, the
 * broker refuses the parameter ("Validation failed … component not found").
 */
export const PARAMETER_COMPONENT_PLUGINS: Readonly<Record<string, string>> = {
  shovel: 'rabbitmq_shovel',
  'federation-upstream': 'rabbitmq_federation',
  'federation-upstream-set': 'rabbitmq_federation',
};

const HA_KEYS = ['ha-mode', 'ha-params', 'ha-sync-mode', 'ha-sync-batch-size', 'ha-promote-on-shutdown', 'ha-promote-on-failure'];

/**
 * Keys a queue type does not support (RabbitMQ 3.10 `capabilities/0`).
 * Measured on 4.3.6: the 4.3 keys `delayed-retry-type`/`-min`/`-max` are not
 * among them for classic queues and streams (a policy with them still
 * applies there, its other keys take effect, the delayed-retry ones do
 * nothing), and `consumer-timeout` applies to all three types.
 */
export const UNSUPPORTED_POLICY_KEYS: Readonly<Record<QueueType, readonly string[]>> = {
  classic: ['max-age', 'stream-max-segment-size-bytes', 'queue-leader-locator', 'initial-cluster-size', 'delivery-limit', 'dead-letter-strategy'],
  quorum: ['max-priority', 'queue-mode', ...HA_KEYS, 'queue-master-locator', 'max-age', 'stream-max-segment-size-bytes', 'initial-cluster-size'],
  stream: [
    'expires',
    'message-ttl',
    'dead-letter-exchange',
    'dead-letter-routing-key',
    'max-length',
    'max-in-memory-length',
    'max-in-memory-bytes',
    'max-priority',
    'overflow',
    'queue-mode',
    'single-active-consumer',
    'delivery-limit',
    ...HA_KEYS,
    'queue-master-locator',
  ],
};

/** `apply-to` values, and the version that introduced the queue-type ones. */
export const APPLY_TO_VALUES = ['queues', 'exchanges', 'all', 'classic_queues', 'quorum_queues', 'streams'] as const;
export const APPLY_TO_SINCE: Readonly<Record<string, VersionFeature>> = {
  classic_queues: 'policy_apply_to_queue_types',
  quorum_queues: 'policy_apply_to_queue_types',
  streams: 'policy_apply_to_queue_types',
};
