/**
 * Checks of a desired topology against what one broker version takes: the
 * deprecated features it uses (live states where the broker reported them,
 * else the version's defaults), policy keys and `apply-to` values the version
 * does not know, queue arguments it refuses, exchange types built in only
 * from a later version, and feature flags that are not enabled. Pure: the
 * facts come in (live/broker-features.ts reads them); offline, the version
 * alone decides (`lint --broker-version`).
 */
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic } from '../model/diagnostics.js';
import { defaultDeprecatedFeatures, permitKey, type DeprecatedFeatureState } from '../model/deprecated-features.js';
import { APPLY_TO_SINCE, POLICY_KEYS, policyKeyIn } from '../model/policy-keys.js';
import { assertNever, type Desired, type Resource, type SourceLocation } from '../model/types.js';
import { atLeast, BUILTIN_EXCHANGE_TYPES_SINCE, supports, VERSION_FEATURES } from '../model/versions.js';
import { q } from './describe.js';
import { namedKey } from '../model/keys.js';
import { PREDECLARED_EXCHANGES } from './names.js';
import { joinPointer } from './pointer.js';
import { QUEUE_ARGUMENTS, TYPE_WORDS } from './arguments.js';
import { HASH_FIX, MAX_HASH_WORDS, hashWords, tooManyHashes } from './topic-keys.js';

/** What Warren knows of the target broker. */
export interface VersionFacts {
  readonly version: string;
  /** States from `GET /api/deprecated-features`; absent (3.x, offline): the version's defaults. */
  readonly deprecatedFeatures?: Readonly<Record<string, DeprecatedFeatureState>>;
  /** Feature flag → state (`enabled`, `disabled`, ...) from `GET /api/feature-flags`; absent offline. */
  readonly featureFlags?: Readonly<Record<string, string>>;
}

export interface VersionCheckOptions {
  /** Deprecated features reported elsewhere (lint rules of their own). */
  readonly skip?: ReadonlySet<string>;
  /**
   * Whether the plan sends the resource to the broker (creates, updates or
   * replaces it). One already live as declared is not declared again, so what
   * the broker would refuse in it is a warning, not a reason to stop the
   * plan. Absent: every resource counts as sent (offline).
   */
  readonly written?: (r: Resource) => boolean;
  /** Check exchange types against the version (offline; live, the broker's list decides). */
  readonly exchangeTypes?: boolean;
}

/** An error, or the warning it becomes for a resource the plan leaves as it is. */
function refusal(code: string, message: string, r: Resource, at: SourceLocation | undefined, options: VersionCheckOptions): Diagnostic {
  if (options.written === undefined || options.written(r)) return diagnostic(code, message, at);
  return diagnostic(code, `${message} (it is live as declared, so this plan does not declare it again; a replace or re-create would be refused)`, at, 'warning');
}

/** One use of a deprecated feature by a declared resource. */
export interface FeatureUse {
  readonly feature: string;
  readonly resource: Resource;
  /** What uses it, for messages: "`durable: false`", "argument `x-queue-master-locator`" */
  readonly what: string;
  /** JSON pointer of the field below the resource's own */
  readonly field: readonly string[];
}

/**
 * The deprecated features a spec can trigger (the others, such as `global_qos`
 * or `ram_node_type`, belong to clients and nodes, not to a topology).
 */
export function featureUses(desired: Desired): FeatureUse[] {
  const out: FeatureUse[] = [];
  for (const r of desired.resources.values()) {
    if (r.kind === 'queue') {
      // Exclusive queues never reach a Desired (spec validation refuses them).
      if (r.type === 'classic' && !r.durable) out.push({ feature: 'transient_nonexcl_queues', resource: r, what: '`durable: false` (a transient, non-exclusive queue)', field: ['durable'] });
      if (r.arguments['x-queue-master-locator'] !== undefined) {
        out.push({ feature: 'queue_master_locator', resource: r, what: 'argument `x-queue-master-locator`', field: ['arguments', 'x-queue-master-locator'] });
      }
    } else if (r.kind === 'policy' || r.kind === 'operator_policy') {
      for (const key of Object.keys(r.definition)) {
        const feature = POLICY_KEYS[key]?.feature;
        if (feature !== undefined) out.push({ feature, resource: r, what: `key \`${key}\``, field: ['definition', key] });
      }
    }
  }
  return out;
}

/** The state of `feature` on the target: reported live, else the version's default; undefined when it is not deprecated there. */
function featureState(facts: VersionFacts, feature: string): DeprecatedFeatureState | undefined {
  return facts.deprecatedFeatures?.[feature] ?? defaultDeprecatedFeatures(facts.version)[feature];
}

/**
 * Deprecated features in use: an error when the target denies or removed
 * the feature (the broker would refuse the declaration, and on AMQP close the
 * whole connection), a warning when it still permits it.
 */
export function checkDeprecatedFeatures(desired: Desired, facts: VersionFacts, options: VersionCheckOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const on = `RabbitMQ ${facts.version}`;
  const how = facts.deprecatedFeatures === undefined ? 'by default' : 'as it is configured';
  for (const use of featureUses(desired)) {
    if (options.skip?.has(use.feature) === true) continue;
    const state = featureState(facts, use.feature);
    if (state === undefined) continue;
    const lead = `${describe(use.resource)} uses the deprecated feature \`${use.feature}\` (${use.what})`;
    const key = permitKey(use.feature);
    const at = fieldAt(use.resource, use.field);
    switch (state) {
      case 'permitted':
        out.push(diagnostic('DEPRECATED_FEATURE_USED', `${lead}, which ${on} still permits ${how}; a later version will refuse it, as will this one with \`${key} = false\``, at, 'warning'));
        break;
      case 'denied':
        out.push(refusal('DEPRECATED_FEATURE_DENIED', `${lead}, which ${on} refuses ${how}; remove it from the spec, or permit it on every node with \`${key} = true\``, use.resource, at, options));
        break;
      case 'removed':
        out.push(
          refusal('DEPRECATED_FEATURE_REMOVED', `${lead}, which ${on} no longer has: no setting (not even \`${key}\`) brings it back; remove it from the spec${REPLACEMENT[use.feature] ?? ''}`, use.resource, at, options),
        );
        break;
      default:
        assertNever(state, 'deprecated feature state');
    }
  }
  return out;
}

const REPLACEMENT: Readonly<Record<string, string>> = {
  classic_queue_mirroring: ' and use quorum queues for replication',
  queue_master_locator: '; `x-queue-leader-locator` / `queue-leader-locator` replace it',
  transient_nonexcl_queues: ' and make the queue durable',
};

/**
 * What the version does not take, apart from deprecated features: policy
 * keys it does not know, `apply-to` values before 3.12, `x-queue-version: 1`
 * from 4.3, exchange types built in only from a later version (offline only:
 * live, the broker's list of types decides), and resources whose feature flag
 * the broker reports as not enabled.
 */
export function checkVersionSupport(desired: Desired, facts: VersionFacts, options: VersionCheckOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const on = `RabbitMQ ${facts.version}`;
  for (const r of desired.resources.values()) {
    const flag = featureFlagOf(r);
    const flagState = flag === undefined ? undefined : facts.featureFlags?.[flag];
    if (flag !== undefined && flagState !== undefined && flagState !== 'enabled') {
      out.push(
        diagnostic(
          'FEATURE_FLAG_NOT_ENABLED',
          `${describe(r)} needs the feature flag \`${flag}\`, which this broker reports as ${flagState}; enable it (rabbitmqctl enable_feature_flag ${flag}) once every node runs a version that has it`,
          fieldAt(r, []),
        ),
      );
    }
    if (r.kind === 'queue' && r.type === 'classic' && r.arguments['x-queue-version'] === 1 && supports(facts.version, 'classic_queue_v1_refused')) {
      out.push(
        refusal(
          'QUEUE_ARGUMENT_UNSUPPORTED',
          `${describe(r)} sets \`x-queue-version: 1\`, which ${on} refuses (classic queues v1 are gone; refused from ${VERSION_FEATURES.classic_queue_v1_refused}); remove the argument or set it to 2`,
          r,
          fieldAt(r, ['arguments', 'x-queue-version']),
          options,
        ),
      );
    }
    if (r.kind === 'vhost' && r.protected_from_deletion === true && !supports(facts.version, 'vhost_deletion_protection')) {
      out.push(
        diagnostic(
          'VHOST_PROTECTION_UNSUPPORTED',
          `${describe(r)} sets \`protected_from_deletion: true\`, which ${on} does not support (vhost deletion protection needs ${VERSION_FEATURES.vhost_deletion_protection}); remove the field (or set it to false) for this broker, or upgrade`,
          fieldAt(r, ['protected_from_deletion']),
        ),
      );
    }
    if (r.kind === 'queue') out.push(...checkVersionedArguments(r, facts, options));
    if (r.kind === 'binding' && hashWords(r.routing_key) > MAX_HASH_WORDS && supports(facts.version, 'topic_key_hash_limit') && sourceType(desired, r) === 'topic') {
      out.push(refusal('TOPIC_KEY_TOO_MANY_HASHES', `${describe(r)}: ${tooManyHashes(r.routing_key)}, ${on} included; ${HASH_FIX}`, r, fieldAt(r, ['routing_key']), options));
    }
    if (r.kind === 'exchange' && options.exchangeTypes === true) {
      const since = BUILTIN_EXCHANGE_TYPES_SINCE[r.type];
      if (since !== undefined && !supports(facts.version, since)) {
        out.push(
          diagnostic(
            'EXCHANGE_TYPE_NOT_AVAILABLE',
            `${describe(r)} has type ${q(r.type)}, which RabbitMQ has only from ${VERSION_FEATURES[since]} (the target is ${facts.version}); use another type or upgrade`,
            fieldAt(r, ['type']),
          ),
        );
      }
    }
    if (r.kind !== 'policy' && r.kind !== 'operator_policy') continue;
    const since = APPLY_TO_SINCE[r.apply_to];
    if (since !== undefined && !supports(facts.version, since)) {
      out.push(diagnostic('POLICY_APPLY_TO_UNSUPPORTED', `${describe(r)} has apply-to ${q(r.apply_to)}, which ${on} does not know (it needs ${VERSION_FEATURES[since]}); use queues`, fieldAt(r, ['apply-to'])));
    }
    for (const key of Object.keys(r.definition)) {
      const rule = POLICY_KEYS[key];
      // Unknown keys are reported when the spec is loaded (spec/validate-kinds); feature keys by checkDeprecatedFeatures.
      if (rule === undefined || rule.feature !== undefined || policyKeyIn(rule, facts.version)) continue;
      const at = fieldAt(r, ['definition', key]);
      if (rule.removedIn !== undefined && atLeast(facts.version, rule.removedIn)) {
        out.push(diagnostic('POLICY_KEY_REMOVED', `${describe(r)} sets ${q(key)}, which ${on} no longer has (removed in ${rule.removedIn}); remove the key`, at));
      } else {
        out.push(diagnostic('POLICY_KEY_UNSUPPORTED', `${describe(r)} sets ${q(key)}, which ${on} does not know (it needs ${rule.since ?? 'a later version'}): the broker would refuse the whole policy; remove the key or upgrade`, at));
      }
    }
  }
  return out;
}

/**
 * Queue arguments whose support depends on the version (`since` in
 * spec/arguments): before it the broker keeps and ignores them (a warning);
 * from it, a queue type that does not take them refuses the declaration.
 */
function checkVersionedArguments(r: Extract<Resource, { kind: 'queue' }>, facts: VersionFacts, options: VersionCheckOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const name of Object.keys(r.arguments)) {
    const spec = QUEUE_ARGUMENTS[name];
    if (spec?.since === undefined) continue;
    const at = fieldAt(r, ['arguments', name]);
    if (!atLeast(facts.version, spec.since)) {
      out.push(
        diagnostic(
          'QUEUE_ARGUMENT_NOT_IN_VERSION',
          `${describe(r)} sets \`${name}\`, which RabbitMQ ${facts.version} does not know (it needs ${spec.since}): the broker keeps it and ignores it; remove it or upgrade`,
          at,
          'warning',
        ),
      );
    } else if (!spec.queueTypes.includes(r.type)) {
      const accepted = spec.queueTypes.map((t) => TYPE_WORDS[t]).join(' and ');
      out.push(
        refusal(
          'QUEUE_ARGUMENT_UNSUPPORTED',
          `${describe(r)} sets \`${name}\`, which RabbitMQ ${facts.version} refuses on ${TYPE_WORDS[r.type]} (400 "invalid arg"; it takes it only on ${accepted}); remove it or change the queue type`,
          r,
          at,
          options,
        ),
      );
    }
  }
  return out;
}

/** The type of a binding's source exchange: declared in the spec, else predeclared (`amq.topic`). */
function sourceType(desired: Desired, b: Extract<Resource, { kind: 'binding' }>): string | undefined {
  const declared = desired.resources.get(namedKey('exchange', b.vhost, b.source));
  return declared?.kind === 'exchange' ? declared.type : PREDECLARED_EXCHANGES.get(b.source);
}

/** AMQP 1.0 addresses of the v2 form (RabbitMQ 4.0+): `/queues/Q`, `/exchanges/X[/KEY]`; any other is v1. */
const V2_ADDRESS = /^\/(?:queues|exchanges)\//;

/**
 * Shovels that speak AMQP 1.0 with a v1 address (`/queue/q`, `/exchange/x`,
 * `/amq/queue/q`, a bare name) while this broker denies `amqp_address_v1`
 * (4.3 by default): the broker takes the shovel, then refuses its link at
 * attach time and the shovel terminates (measured on 4.3.6). A warning only:
 * the shovel's URI may point at another broker, whose state Warren cannot see.
 */
export function checkShovelAddresses(desired: Desired, facts: VersionFacts): Diagnostic[] {
  const state = featureState(facts, 'amqp_address_v1');
  if (state === undefined || state === 'permitted') return [];
  const out: Diagnostic[] = [];
  for (const r of desired.resources.values()) {
    if (r.kind !== 'parameter' || r.component !== 'shovel' || r.value === null || typeof r.value !== 'object' || Array.isArray(r.value)) continue;
    const value = r.value as Readonly<Record<string, unknown>>;
    for (const side of ['src', 'dest'] as const) {
      const address = value[`${side}-address`];
      if (value[`${side}-protocol`] !== 'amqp10' || typeof address !== 'string' || V2_ADDRESS.test(address)) continue;
      out.push(
        diagnostic(
          'DEPRECATED_FEATURE_USED',
          `${describe(r)} uses the AMQP 1.0 address ${q(address)} of the old form (deprecated feature \`amqp_address_v1\`), which RabbitMQ ${facts.version} ${state === 'denied' ? 'refuses' : 'no longer has'}: a RabbitMQ 4.3 at the ${side} URI refuses the link and the shovel terminates; use /queues/NAME or /exchanges/NAME/KEY`,
          // The shovel itself: its fields sit under `value` in definitions.json only.
          fieldAt(r, []),
          'warning',
        ),
      );
    }
  }
  return out;
}

/** The feature flag a resource needs, for the kinds where one gates it. */
function featureFlagOf(r: Resource): string | undefined {
  if (r.kind === 'queue') return r.type === 'quorum' ? 'quorum_queue' : r.type === 'stream' ? 'stream_queue' : undefined;
  if (r.kind === 'exchange') return r.type === 'x-local-random' ? 'rabbit_exchange_type_local_random' : undefined;
  if (r.kind === 'user_limit') return 'user_limits';
  return undefined;
}

/** `queue "q" in vhost "v"`, `policy "p" in vhost "v"`, ... */
export function describe(r: Resource): string {
  const kind = r.kind === 'operator_policy' ? 'operator policy' : r.kind.replace(/_/g, ' ');
  return 'vhost' in r && r.kind !== 'vhost' ? `${kind} ${q(r.name)} in vhost ${q(r.vhost)}` : `${kind} ${q(r.name)}`;
}

/** The resource's place in the file, with the pointer of one of its fields. */
function fieldAt(r: Resource, field: readonly string[]): SourceLocation | undefined {
  const at = r.kind === 'binding' ? r.sourceLocation : r.source;
  if (at === undefined) return undefined;
  return { ...at, path: joinPointer(at.path, ...field) };
}
