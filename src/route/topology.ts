import type { BindingResource, ExchangeResource, PolicyResource, QueueResource, ResourceMap } from '../model/types.js';
import { sortPolicies } from './policies.js';
import { splitTopicKey } from './topic.js';

/** A binding with its key pre-split for topic matching. */
export interface IndexedBinding {
  readonly binding: BindingResource;
  readonly words: readonly string[];
  /** Position among the bindings of its source. */
  readonly index: number;
}

/** The bindings of one source exchange, in resource-map order. */
export interface SourceBindings {
  readonly all: readonly IndexedBinding[];
  /** Direct lookup: binding key → bindings with that key. */
  readonly byKey: ReadonlyMap<string, readonly IndexedBinding[]>;
}

export interface VhostTopology {
  readonly name: string;
  /** Declared exchanges plus the pre-declared `amq.*` ones; never the default exchange `""`. */
  readonly exchanges: ReadonlyMap<string, ExchangeResource>;
  readonly queues: ReadonlyMap<string, QueueResource>;
  readonly bindingsBySource: ReadonlyMap<string, SourceBindings>;
  /**
   * User policies (operator policies cannot set the alternate or dead-letter
   * exchange), highest priority first: they give exchanges and queues without
   * the x-argument their alternate and dead-letter exchanges.
   */
  readonly policies: readonly PolicyResource[];
}

/** A topology indexed for routing: built once by `topologyFrom`, then queried without scans. */
export interface RouteTopology {
  readonly vhosts: ReadonlyMap<string, VhostTopology>;
}

/** Exchanges every vhost has without declaring them (rabbitmq-semantics.md §5). */
const PREDECLARED: readonly { name: string; type: string; internal: boolean }[] = [
  { name: 'amq.direct', type: 'direct', internal: false },
  { name: 'amq.fanout', type: 'fanout', internal: false },
  { name: 'amq.headers', type: 'headers', internal: false },
  { name: 'amq.match', type: 'headers', internal: false },
  { name: 'amq.topic', type: 'topic', internal: false },
  { name: 'amq.rabbitmq.trace', type: 'topic', internal: true },
];

interface MutableVhost {
  name: string;
  exchanges: Map<string, ExchangeResource>;
  queues: Map<string, QueueResource>;
  bindings: Map<string, { all: IndexedBinding[]; byKey: Map<string, IndexedBinding[]> }>;
  policies: PolicyResource[];
}

/**
 * Index the resources of a `Desired` or `Observed` by vhost, name and binding
 * source. Every vhost that any resource names is indexed and gets the
 * pre-declared `amq.*` exchanges (definitions and specs leave them out, but
 * bindings from them are real). The default exchange `""` and the implicit
 * bindings from it are not indexed: routing derives them from the queues.
 */
export function topologyFrom(resources: ResourceMap): RouteTopology {
  const vhosts = new Map<string, MutableVhost>();
  const vhostOf = (name: string): MutableVhost => {
    let v = vhosts.get(name);
    if (!v) {
      v = { name, exchanges: new Map(), queues: new Map(), bindings: new Map(), policies: [] };
      vhosts.set(name, v);
    }
    return v;
  };
  for (const r of resources.values()) {
    const v = vhostOf(r.vhost);
    switch (r.kind) {
      case 'vhost':
        break;
      case 'exchange':
        if (r.name !== '') v.exchanges.set(r.name, r);
        break;
      case 'queue':
        v.queues.set(r.name, r);
        break;
      case 'policy':
        v.policies.push(r);
        break;
      case 'binding': {
        if (r.source === '') break;
        let src = v.bindings.get(r.source);
        if (!src) {
          src = { all: [], byKey: new Map() };
          v.bindings.set(r.source, src);
        }
        const ib: IndexedBinding = { binding: r, words: splitTopicKey(r.routing_key), index: src.all.length };
        src.all.push(ib);
        const same = src.byKey.get(r.routing_key);
        if (same) same.push(ib);
        else src.byKey.set(r.routing_key, [ib]);
        break;
      }
    }
  }
  for (const v of vhosts.values()) {
    for (const p of PREDECLARED) {
      if (!v.exchanges.has(p.name)) {
        v.exchanges.set(p.name, {
          kind: 'exchange',
          vhost: v.name,
          name: p.name,
          type: p.type,
          durable: true,
          auto_delete: false,
          internal: p.internal,
          arguments: {},
        });
      }
    }
  }
  const out = new Map<string, VhostTopology>();
  for (const v of vhosts.values()) {
    out.set(v.name, { name: v.name, exchanges: v.exchanges, queues: v.queues, bindingsBySource: v.bindings, policies: sortPolicies(v.policies) });
  }
  return { vhosts: out };
}

/** The default exchange of a vhost, as a resource: direct, not internal, no arguments. */
export function defaultExchange(vhost: string): ExchangeResource {
  return { kind: 'exchange', vhost, name: '', type: 'direct', durable: true, auto_delete: false, internal: false, arguments: {} };
}

/** Look an exchange up by name; `""` is the default exchange. */
export function lookupExchange(vt: VhostTopology, name: string): ExchangeResource | undefined {
  return name === '' ? defaultExchange(vt.name) : vt.exchanges.get(name);
}
