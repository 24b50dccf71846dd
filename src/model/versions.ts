/**
 * What changed between RabbitMQ versions, as data (rabbitmq-semantics.md §7).
 * One code path everywhere; a rule asks `supports(version, feature)`.
 */

/** Feature → first version that has it. */
export const VERSION_FEATURES = {
  /** The default queue type of an existing vhost can be changed (update_vhost_metadata); before, only at creation. */
  vhost_default_queue_type_update: '3.12.0',
  /** The HTTP API reads `default_queue_type` for vhosts (before: `defaultqueuetype` only). */
  vhost_default_queue_type_key: '3.11.12',
  /** Policy `apply-to` accepts `classic_queues`, `quorum_queues` and `streams`. */
  policy_apply_to_queue_types: '3.12.0',
  /**
   * `x-queue-version: 1` is refused (400 "unsupported queue version '1'"): measured on 4.3.6;
   * 4.0.5 still accepts it (201). 4.1 and 4.2 were not measured.
   */
  classic_queue_v1_refused: '4.3.0',
  /**
   * Topic binding keys may have at most two `#` words (400 "at most 2 are allowed"): measured on
   * 4.3.6; 3.10.8 and 4.0.5 accept more. 4.1 and 4.2 were not measured.
   */
  topic_key_hash_limit: '4.3.0',
  /**
   * Vhost deletion protection: `GET /api/vhosts` reports `protected_from_deletion`, set with
   * `POST /api/vhosts/V/deletion/protection` and lifted with `DELETE` there (`PUT /api/vhosts`
   * ignores the field). Measured: 4.3.6 has it; 4.0.5 neither reports it nor has the endpoint
   * (405), nor does 3.10.8 (405).
   */
  vhost_deletion_protection: '4.0.6',
  /** The `x-local-random` exchange type is built in. */
  local_random_exchange: '4.0.0',
} as const;

/** The newest version Warren's tables describe: the target offline when none is given. */
export const NEWEST_KNOWN_VERSION = '4.3.6';

/** Exchange types built into the broker from a version on (not plugins). */
export const BUILTIN_EXCHANGE_TYPES_SINCE: Readonly<Record<string, VersionFeature>> = {
  'x-local-random': 'local_random_exchange',
};

export type VersionFeature = keyof typeof VERSION_FEATURES;

/** `3.10.8` (or `v3.10.8`) → [3, 10, 8]; anything after the numbers (`-rc.1`, `+build`) is ignored. */
export function parseVersion(version: string): readonly number[] {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version.trim());
  if (!m) return [];
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

export function atLeast(version: string, minimum: string): boolean {
  const a = parseVersion(version);
  const b = parseVersion(minimum);
  if (a.length === 0) return false;
  for (let i = 0; i < 3; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/** True when a broker of `version` has the feature. An unknown version (`null`) is assumed to be the oldest supported (3.10). */
export function supports(version: string | null | undefined, feature: VersionFeature): boolean {
  return version ? atLeast(version, VERSION_FEATURES[feature]) : false;
}
