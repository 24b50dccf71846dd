/**
 * The resource model shared by every stage of the pipeline.
 *
 * Desired (from spec/) and Observed (from live/) are both expressed in these
 * normalized shapes, with every default applied, so that diff/ can compare
 * them field by field without knowing where they came from.
 */

import type { LintSettings, TopologyTestCase } from './spec-extras.js';
import type { DeprecatedFeatureState } from './deprecated-features.js';
import type { EnvRef, Sensitive } from '../util/sensitive.js';

/** A value inside an AMQP argument table, as JSON carries it. */
export type ArgValue = string | number | boolean | null | ArgValue[] | { [key: string]: ArgValue };

/** An AMQP argument table (`x-max-length`, `alternate-exchange`, binding args, ...). */
export type Args = Readonly<Record<string, ArgValue>>;

/** Every kind Warren manages, in creation order (see PHASES in model/plan). */
export const KINDS = [
  'vhost',
  'user',
  'permission',
  'topic_permission',
  'vhost_limit',
  'user_limit',
  'exchange',
  'queue',
  'binding',
  'policy',
  'operator_policy',
  'parameter',
  'global_parameter',
] as const;
export type Kind = (typeof KINDS)[number];

/**
 * Kinds that belong to the whole broker, not to a vhost: their resources have
 * `vhost: ''`, and they are in scope only when the spec has their section
 * (`users:`, `global_parameters:`), see `Desired.globalKinds`.
 */
export const GLOBAL_KINDS = ['user', 'user_limit', 'global_parameter'] as const;
export type GlobalKind = (typeof GLOBAL_KINDS)[number];

export function isGlobalKind(kind: Kind): kind is GlobalKind {
  return (GLOBAL_KINDS as readonly string[]).includes(kind);
}

export const QUEUE_TYPES = ['classic', 'quorum', 'stream'] as const;
export type QueueType = (typeof QUEUE_TYPES)[number];

export const BUILTIN_EXCHANGE_TYPES = ['direct', 'fanout', 'topic', 'headers'] as const;

export type DestinationType = 'queue' | 'exchange';

/** Where a resource or a diagnostic comes from in the user's files. */
export interface SourceLocation {
  readonly file: string;
  /** 1-based */
  readonly line: number;
  /** 1-based */
  readonly column: number;
  /** JSON pointer inside the document, e.g. `/vhosts/~1/queues/hipri` */
  readonly path: string;
}

export interface VhostResource {
  readonly kind: 'vhost';
  readonly vhost: string;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  /** The queue type a queue without `type` gets. `classic` when unset. */
  readonly default_queue_type: QueueType;
  /**
   * Deletion protection (RabbitMQ 4.0.6+): a protected vhost cannot be deleted
   * (412) until it is lifted. Left out: not protected (a broker before 4.0.6
   * does not have it: model/versions `vhost_deletion_protection`).
   */
  readonly protected_from_deletion?: boolean;
  /**
   * Spec only: the fields the spec leaves out, which Warren leaves to the
   * broker (model/defaults): never compared; a new vhost gets the defaults.
   */
  readonly unset?: readonly ('description' | 'tags' | 'default_queue_type' | 'protected_from_deletion')[];
  readonly source?: SourceLocation;
}

export interface ExchangeResource {
  readonly kind: 'exchange';
  readonly vhost: string;
  readonly name: string;
  readonly type: string;
  readonly durable: boolean;
  readonly auto_delete: boolean;
  readonly internal: boolean;
  readonly arguments: Args;
  readonly source?: SourceLocation;
}

export interface QueueResource {
  readonly kind: 'queue';
  readonly vhost: string;
  readonly name: string;
  /** Always resolved; `x-queue-type` never appears in `arguments`. */
  readonly type: QueueType;
  readonly durable: boolean;
  readonly auto_delete: boolean;
  readonly arguments: Args;
  readonly source?: SourceLocation;
  /** Live only: message count (ready + unacknowledged), when the broker reported it. */
  readonly messages?: number;
  /** Live only: consumer count, when the broker reported it. */
  readonly consumers?: number;
  /**
   * Live only: why the queue cannot be used now, e.g. `its node rabbit@b is
   * down` (a classic queue whose node is not running: the broker neither
   * lists nor changes its bindings). Absent for a usable queue.
   */
  readonly unavailable?: string;
}

export interface BindingResource {
  readonly kind: 'binding';
  readonly vhost: string;
  /** A readable name, `source -> destination [routing_key]`, for reports only. */
  readonly name: string;
  readonly source: string;
  readonly destination: string;
  readonly destination_type: DestinationType;
  readonly routing_key: string;
  readonly arguments: Args;
  readonly sourceLocation?: SourceLocation;
  /**
   * Live only: the broker's `properties_key` of every listed binding with this
   * identity. More than one means JSON-identical bindings that differ only in
   * the AMQP type of an integer argument (see rabbitmq-semantics.md §2).
   */
  readonly properties_keys?: readonly string[];
}

/** One vhost limit (`max-connections`, `max-queues`); the broker's `-1` (no limit) is the absence of the resource. */
export interface VhostLimitResource {
  readonly kind: 'vhost_limit';
  readonly vhost: string;
  /** The limit, e.g. `max-queues` */
  readonly name: string;
  readonly value: number;
  readonly source?: SourceLocation;
}

/**
 * How a user's password is declared. `unmanaged` (spec only): the spec does
 * not say, the live password is kept (a new user is created passwordless).
 * `none`: passwordless (certificate-only users). `hash`: a RabbitMQ password
 * hash. `env` (spec only): the password is in an environment variable;
 * `value` is set once the spec was loaded with the environment. `plain`
 * (spec only): the password written in the file (lint PLAIN_TEXT_PASSWORD);
 * hashed with `algorithm` when the file names one, else by the broker.
 */
export type UserPassword =
  | { readonly kind: 'unmanaged' }
  | { readonly kind: 'none' }
  | { readonly kind: 'hash'; readonly hash: Sensitive; readonly algorithm: string }
  | { readonly kind: 'env'; readonly env: string; readonly value?: Sensitive }
  | { readonly kind: 'plain'; readonly value: Sensitive; readonly algorithm?: string; readonly source?: SourceLocation };

export interface UserResource {
  readonly kind: 'user';
  /** Always '': users are global */
  readonly vhost: string;
  readonly name: string;
  readonly tags: readonly string[];
  readonly password: UserPassword;
  /** Spec only: `tags` when the spec leaves them out (model/defaults). */
  readonly unset?: readonly 'tags'[];
  readonly source?: SourceLocation;
}

export interface UserLimitResource {
  readonly kind: 'user_limit';
  readonly vhost: string;
  /** A readable name, `user/limit`, for reports only */
  readonly name: string;
  readonly user: string;
  /** `max-connections` or `max-channels` */
  readonly limit: string;
  readonly value: number;
  readonly source?: SourceLocation;
}

/** configure/write/read regular expressions of one user in one vhost. */
export interface PermissionResource {
  readonly kind: 'permission';
  readonly vhost: string;
  /** The user */
  readonly name: string;
  readonly configure: string;
  readonly write: string;
  readonly read: string;
  readonly source?: SourceLocation;
}

/** write/read regular expressions on the routing keys of one topic exchange, for one user in one vhost. */
export interface TopicPermissionResource {
  readonly kind: 'topic_permission';
  readonly vhost: string;
  /** A readable name, `user @ exchange`, for reports only */
  readonly name: string;
  readonly user: string;
  readonly exchange: string;
  readonly write: string;
  readonly read: string;
  readonly source?: SourceLocation;
}

export interface PolicyResource {
  readonly kind: 'policy' | 'operator_policy';
  readonly vhost: string;
  readonly name: string;
  /** Unanchored regular expression on queue/exchange names */
  readonly pattern: string;
  /** `queues`, `exchanges`, `all` (3.12+: `classic_queues`, `quorum_queues`, `streams`) */
  readonly apply_to: string;
  readonly priority: number;
  readonly definition: Args;
  readonly source?: SourceLocation;
}

/**
 * A value of a runtime parameter: JSON, where a URI with credentials is a
 * `Sensitive` and the spec may reference an environment variable instead.
 */
export type ParamValue =
  | string
  | number
  | boolean
  | null
  | Sensitive
  | EnvRef
  | readonly ParamValue[]
  | { readonly [key: string]: ParamValue };

/** A vhost-scoped runtime parameter: a dynamic shovel, a federation upstream or upstream set, ... */
export interface ParameterResource {
  readonly kind: 'parameter';
  readonly vhost: string;
  /** A readable name, `component/name`, for reports only */
  readonly name: string;
  /** `shovel`, `federation-upstream`, `federation-upstream-set`, ... */
  readonly component: string;
  readonly parameter: string;
  readonly value: ParamValue;
  readonly source?: SourceLocation;
}

export interface GlobalParameterResource {
  readonly kind: 'global_parameter';
  readonly vhost: string;
  readonly name: string;
  readonly value: ParamValue;
  readonly source?: SourceLocation;
}

export type Resource =
  | VhostResource
  | ExchangeResource
  | QueueResource
  | BindingResource
  | VhostLimitResource
  | UserResource
  | UserLimitResource
  | PermissionResource
  | TopicPermissionResource
  | PolicyResource
  | ParameterResource
  | GlobalParameterResource;

/** A resource set, keyed by `resourceKey`. */
export type ResourceMap = ReadonlyMap<string, Resource>;

/** The desired topology: what the spec declares. */
export interface Desired {
  /** Vhosts the spec declares; only these are read live and diffed. */
  readonly vhosts: readonly string[];
  readonly resources: ResourceMap;
  /** Global kinds the spec manages (it has their section, e.g. `users:`); others are neither diffed nor listed. */
  readonly globalKinds?: readonly GlobalKind[];
  /** Topology tests (`tests:` of native specs), in file order. */
  readonly tests?: readonly TopologyTestCase[];
  /** Lint settings (`lint:` of native specs). */
  readonly lint?: LintSettings;
  /** Services said to consume from each queue (`consumers:`), by queue `resourceKey`; for lint only. */
  readonly consumers?: ReadonlyMap<string, readonly string[]>;
  /** What Warren owns in each vhost (`prune:` and `ignore:` of native specs), by vhost name. */
  readonly ownership?: ReadonlyMap<string, VhostOwnership>;
}

/** Ownership of a vhost: prune what is not declared; never touch what matches `ignore`. */
export interface VhostOwnership {
  readonly prune: boolean;
  /** Glob patterns as written, optionally `queue:`/`exchange:`-prefixed */
  readonly ignore: readonly string[];
}

/** Facts about the broker that diff and validation depend on. */
export interface BrokerInfo {
  /** e.g. `3.10.8` */
  readonly version: string;
  /** Exchange types the broker reports (built-ins plus plugin types). */
  readonly exchangeTypes: readonly string[];
  /**
   * Applications (plugins among them) running on every running node; read
   * only when the spec needs a plugin (live/plugins.ts), else absent.
   */
  readonly plugins?: readonly string[];
  /**
   * Deprecated features and their states, from `GET /api/deprecated-features`
   * (3.13+; live/broker-features.ts); absent where the broker has no such
   * endpoint or it was not read: then the version's defaults apply.
   */
  readonly deprecatedFeatures?: Readonly<Record<string, DeprecatedFeatureState>>;
  /** Feature flag → state (`enabled`, `disabled`, ...), from `GET /api/feature-flags`, when read. */
  readonly featureFlags?: Readonly<Record<string, string>>;
}

/** A live resource that is not user topology (server-named, exclusive, predeclared, plugin-owned), and why. */
export interface SkippedResource {
  readonly kind: Kind;
  readonly vhost: string;
  readonly name: string;
  readonly reason: string;
}

/** The live topology of the vhosts that were read. */
export interface Observed {
  readonly broker: BrokerInfo;
  /** Vhosts that were read (declared in the spec); a missing one is absent from resources. */
  readonly vhosts: readonly string[];
  readonly resources: ResourceMap;
  /** Live resources left out as implicit, for reports. */
  readonly skipped?: readonly SkippedResource[];
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
