/** Hand-built live topologies for the export tests. */
import { bindingName, resourceKey } from '../../../src/model/keys.js';
import type { Args, BindingResource, ExchangeResource, QueueResource, Resource, VhostResource } from '../../../src/model/types.js';

export const vhost = (name: string, over: Partial<VhostResource> = {}): VhostResource => ({
  kind: 'vhost', vhost: name, name, description: '', tags: [], default_queue_type: 'classic', protected_from_deletion: false, ...over,
});
export const exchange = (vh: string, name: string, over: Partial<ExchangeResource> = {}): ExchangeResource => ({
  kind: 'exchange', vhost: vh, name, type: 'direct', durable: true, auto_delete: false, internal: false, arguments: {}, ...over,
});
export const queue = (vh: string, name: string, over: Partial<QueueResource> = {}): QueueResource => ({
  kind: 'queue', vhost: vh, name, type: 'classic', durable: true, auto_delete: false, arguments: {}, ...over,
});
export const binding = (vh: string, source: string, destination: string, routing_key = '', args: Args = {}, destination_type: 'queue' | 'exchange' = 'queue'): BindingResource => {
  const identity = { source, destination, destination_type, routing_key, arguments: args };
  return { kind: 'binding', vhost: vh, name: bindingName(identity), ...identity };
};

export function mapOf(resources: readonly Resource[]): Map<string, Resource> {
  return new Map(resources.map((r) => [resourceKey(r), r]));
}

/** The fields the spec side has: no source locations, no live-only counters. */
export function comparable(resources: ReadonlyMap<string, Resource>): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const [key, r] of resources) {
    const rest: Record<string, unknown> = { ...r };
    // Spec-only source locations (a binding's `source` is its exchange) and live-only counters.
    if (r.kind !== 'binding') delete rest['source'];
    for (const field of ['sourceLocation', 'messages', 'consumers', 'properties_keys']) delete rest[field];
    // A field the spec leaves to the broker is unset, with the default the live side has too.
    delete rest['unset'];
    out.set(key, rest);
  }
  return out;
}

/** A live topology with every field away from its default somewhere, and awkward names. */
export function liveTopology(): Resource[] {
  return [
    vhost('/'),
    vhost('shop', { description: 'Order processing: "main"', tags: ['production', 'eu'], default_queue_type: 'quorum' }),
    vhost('plain-quorum', { default_queue_type: 'quorum' }),
    exchange('/', 'tasks'),
    exchange('/', 'events.v1', { type: 'topic', durable: false, auto_delete: true, internal: true }),
    exchange('/', 'name with spaces/and#hash "quoted"', { type: 'fanout' }),
    exchange('/', '<<', { type: 'fanout' }),
    exchange('/', 'hash', { type: 'x-consistent-hash', arguments: { 'hash-header': 'h' } }),
    exchange('/', 'unrouted', { type: 'fanout' }),
    exchange('/', 'with-ae', { type: 'topic', arguments: { 'alternate-exchange': 'unrouted' } }),
    queue('/', 'hipri', { messages: 3, consumers: 1 }),
    queue('/', '1000'),
    queue('/', 'true'),
    queue('/', '- dash: colon, {brace} [x] ~ null'),
    queue('/', 'transient', { durable: false, auto_delete: true }),
    queue('/', 'quorum.q', { type: 'quorum', arguments: { 'x-delivery-limit': 5, 'x-dead-letter-exchange': 'unrouted' } }),
    queue('/', 'typed-args', {
      arguments: { 'x-max-length': 1000, 'x-custom-string': '1000', 'x-custom-float': 0.5, 'x-custom-bool': false, 'x-custom-list': ['a', 1], 'x-custom-null': null },
    }),
    queue('/', 'ünïcødé ✓'),
    binding('/', 'tasks', 'hipri', 'hipri'),
    binding('/', 'tasks', 'hipri', ''),
    binding('/', 'tasks', '1000', 'true'),
    binding('/', 'name with spaces/and#hash "quoted"', '- dash: colon, {brace} [x] ~ null', '#'),
    binding('/', '<<', 'true'),
    binding('/', 'amq.topic', 'ünïcødé ✓', 'a.*.b'),
    binding('/', 'amq.headers', 'typed-args', '', { 'x-match': 'any', format: 'pdf', 'n': 1 }),
    binding('/', 'events.v1', 'tasks', 'task.#', {}, 'exchange'),
    binding('/', 'events.v1', 'amq.direct', 'x', {}, 'exchange'),
    exchange('shop', 'orders', { type: 'topic' }),
    queue('shop', 'billing', { type: 'quorum' }),
    queue('shop', 'legacy', { type: 'classic' }),
    queue('shop', 'log', { type: 'stream' }),
    binding('shop', 'orders', 'billing', 'order.created'),
    binding('shop', 'orders', 'legacy', 'order.created'),
  ];
}
