/**
 * What one spec file declares, before the files are merged: the resources in
 * model shape, each with the origin of its declaration so that later checks
 * can point at the exact field that is wrong.
 */
import type { BindingResource, ExchangeResource, GlobalKind, QueueResource, QueueType, Resource, SourceLocation, VhostResource } from '../model/types.js';
import type { ParsedSource } from './yaml-source.js';
import type { ExtrasDecls } from './spec-extras.js';
import { escapeSegment, joinPointer } from './pointer.js';

/** Where a declaration is, and where each of its fields is. */
export interface Origin {
  /** The declaration itself (the map key of a named resource, the list item of a binding). */
  readonly at: SourceLocation;
  /**
   * The value of a field inside the declaration, e.g. `field('arguments', 'x-max-length')`.
   * Falls back to the declaration when the field is not written (a default).
   */
  field(...segments: readonly string[]): SourceLocation;
}

/**
 * @param path JSON pointer of the declaration
 * @param aliases fields that live elsewhere, by first segment: a pointer, or a fixed location
 *   (e.g. the `source` of a `bind` shorthand is its `exchange` field)
 */
export function makeOrigin(src: ParsedSource, path: string, at: 'key' | 'value', aliases: Readonly<Record<string, string | SourceLocation>> = {}): Origin {
  const self = src.locateNearest(path, at);
  return {
    at: self,
    field(...segments) {
      const [first, ...rest] = segments;
      if (first === undefined) return self;
      const alias = aliases[first];
      if (typeof alias === 'object') return rest.length === 0 ? alias : self;
      const base = alias ?? `${path}/${escapeSegment(first)}`;
      return src.locate(joinPointer(base, ...rest)) ?? self;
    },
  };
}

export interface VhostDecl {
  readonly kind: 'vhost';
  readonly name: string;
  /** Only the metadata the file actually sets; defaults come at merge time. */
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly default_queue_type?: QueueType;
  readonly protected_from_deletion?: boolean;
  readonly origin: Origin;
  /** False for a vhost implied by the resources of a definitions file that has no `vhosts`. */
  readonly explicit: boolean;
}

export interface ExchangeDecl {
  readonly kind: 'exchange';
  readonly resource: ExchangeResource;
  readonly origin: Origin;
}

/** A queue before its type is resolved (which needs the merged vhost's default_queue_type). */
export interface QueueDecl {
  readonly kind: 'queue';
  readonly resource: Omit<QueueResource, 'type'>;
  /** From `type` or the `x-queue-type` argument; undefined when neither is given. */
  readonly type: QueueType | undefined;
  readonly exclusive: boolean;
  readonly origin: Origin;
}

export interface BindingDecl {
  readonly kind: 'binding';
  readonly resource: BindingResource;
  readonly origin: Origin;
}

/** A resource of the kinds beside the AMQP topology (users, permissions, limits, policies, parameters). */
export interface OtherDecl {
  readonly resource: Exclude<Resource, VhostResource | ExchangeResource | QueueResource | BindingResource>;
  readonly origin: Origin;
}

export interface FileDecls extends Partial<ExtrasDecls> {
  readonly file: string;
  readonly vhosts: VhostDecl[];
  readonly exchanges: ExchangeDecl[];
  readonly queues: QueueDecl[];
  readonly bindings: BindingDecl[];
  readonly others: OtherDecl[];
  /** Global kinds whose section the file has (`users:`, `global_parameters:`): in scope even when empty. */
  readonly globalKinds: GlobalKind[];
  /** A RabbitMQ definitions file: a resource it declares twice is what the broker's import makes of it, not a refusal. */
  readonly definitions?: true;
}

export function emptyDecls(file: string): FileDecls {
  return { file, vhosts: [], exchanges: [], queues: [], bindings: [], others: [], globalKinds: [] };
}

/** The merged spec that semantic validation walks. */
export interface SpecModel {
  readonly vhosts: ReadonlyMap<string, { readonly resource: VhostResource; readonly origin: Origin }>;
  readonly exchanges: readonly ExchangeDecl[];
  readonly queues: readonly (Omit<QueueDecl, 'resource'> & { readonly resource: QueueResource })[];
  readonly bindings: readonly BindingDecl[];
  readonly others: readonly OtherDecl[];
  readonly globalKinds: readonly GlobalKind[];
}

export type MergedQueue = SpecModel['queues'][number];

/** `file:line:column` of a location, for messages that name another place. */
export function where(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.column}`;
}
