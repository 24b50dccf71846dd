/**
 * The resource model shared by every stage of the pipeline.
 *
 * Desired (from spec/) and Observed (from live/) are both expressed in these
 * normalized shapes, with every default applied, so that diff/ can compare
 * them field by field without knowing where they came from.
 */

import type { LintSettings, TopologyTestCase } from './spec-extras.js';

/** A value inside an AMQP argument table, as JSON carries it. */
export type ArgValue = string | number | boolean | null | ArgValue[] | { [key: string]: ArgValue };

/** An AMQP argument table (`x-max-length`, `alternate-exchange`, binding args, ...). */
export type Args = Readonly<Record<string, ArgValue>>;

/** Kinds handled by the core pipeline, in creation order. */
export const KINDS = ['vhost', 'exchange', 'queue', 'binding'] as const;
export type Kind = (typeof KINDS)[number];

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

export type Resource = VhostResource | ExchangeResource | QueueResource | BindingResource;

/** A resource set, keyed by `resourceKey`. */
export type ResourceMap = ReadonlyMap<string, Resource>;

/** The desired topology: what the spec declares. */
export interface Desired {
  /** Vhosts the spec declares; only these are read live and diffed. */
  readonly vhosts: readonly string[];
  readonly resources: ResourceMap;
  /** Topology tests (`tests:` of native specs), in file order. */
  readonly tests?: readonly TopologyTestCase[];
  /** Lint settings (`lint:` of native specs). */
  readonly lint?: LintSettings;
  /** Services said to consume from each queue (`consumers:`), by queue `resourceKey`; for lint only. */
  readonly consumers?: ReadonlyMap<string, readonly string[]>;
}

/** Facts about the broker that diff and validation depend on. */
export interface BrokerInfo {
  /** e.g. `3.10.8` */
  readonly version: string;
  /** Exchange types the broker reports (built-ins plus plugin types). */
  readonly exchangeTypes: readonly string[];
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
