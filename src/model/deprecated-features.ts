/**
 * RabbitMQ's deprecated features (3.13+), as data: what each broker version
 * does by default, which a spec can trigger, and how a live answer of
 * `GET /api/deprecated-features` reads (rabbitmq-semantics.md §7).
 *
 * A broker's real state depends on its configuration
 * (`deprecated_features.permit.NAME = true|false`), so where the broker
 * answers, its answer wins; this table is the fallback offline and on
 * brokers without the endpoint (3.x before 3.13 answers 404).
 */
import { atLeast } from './versions.js';

/** What the broker does when the feature is used. */
export type DeprecatedFeatureState = 'permitted' | 'denied' | 'removed';

/** Phase → state, for brokers that report only the phase (4.0.5 has no `state` field). */
const PHASE_STATES: Readonly<Record<string, DeprecatedFeatureState>> = {
  permitted_by_default: 'permitted',
  denied_by_default: 'denied',
  removed: 'removed',
  // Phases of features that no longer do anything: as good as removed.
  disconnected: 'removed',
  unsupported: 'removed',
};

/** The state a phase means by default; undefined for a phase Warren does not know. */
export function stateOfPhase(phase: string): DeprecatedFeatureState | undefined {
  return PHASE_STATES[phase];
}

/**
 * Default phase per version: each feature's list of `[first version, phase]`,
 * oldest first. Measured on 4.0.5 and 4.3.6; 3.13 from its release notes;
 * 4.1 and 4.2 are assumed to behave like 4.0 (not measured).
 */
export const DEPRECATED_FEATURE_DEFAULTS: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  classic_queue_mirroring: [
    ['3.13.0', 'permitted_by_default'],
    ['4.0.0', 'removed'],
  ],
  transient_nonexcl_queues: [['3.13.0', 'permitted_by_default']],
  global_qos: [
    ['3.13.0', 'permitted_by_default'],
    ['4.3.0', 'denied_by_default'],
  ],
  ram_node_type: [
    ['3.13.0', 'permitted_by_default'],
    ['4.3.0', 'removed'],
  ],
  management_metrics_collection: [['3.13.0', 'permitted_by_default']],
  queue_master_locator: [
    ['4.0.0', 'permitted_by_default'],
    ['4.3.0', 'denied_by_default'],
  ],
  amqp_address_v1: [
    ['4.0.0', 'permitted_by_default'],
    ['4.3.0', 'denied_by_default'],
  ],
  amqp_filter_set_bug: [['4.3.0', 'denied_by_default']],
};

/** The default state of every feature deprecated in `version` (none before 3.13). */
export function defaultDeprecatedFeatures(version: string): Record<string, DeprecatedFeatureState> {
  const out: Record<string, DeprecatedFeatureState> = {};
  for (const [name, steps] of Object.entries(DEPRECATED_FEATURE_DEFAULTS)) {
    let phase: string | undefined;
    for (const [since, p] of steps) if (atLeast(version, since)) phase = p;
    const state = phase === undefined ? undefined : stateOfPhase(phase);
    if (state !== undefined) out[name] = state;
  }
  return out;
}

/** The configuration key that permits a denied feature. */
export function permitKey(feature: string): string {
  return `deprecated_features.permit.${feature}`;
}
