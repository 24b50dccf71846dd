import { bindingName, resourceKey } from '../../../src/model/keys.js';
import type { Args, BindingResource, ExchangeResource, PolicyResource, QueueResource, QueueType, Resource } from '../../../src/model/types.js';
import { topologyFrom, type RouteTopology } from '../../../src/route/index.js';

export const VHOST = '/';

export function exchange(name: string, type: string, opts: { internal?: boolean; arguments?: Args; vhost?: string } = {}): ExchangeResource {
  return {
    kind: 'exchange',
    vhost: opts.vhost ?? VHOST,
    name,
    type,
    durable: true,
    auto_delete: false,
    internal: opts.internal ?? false,
    arguments: opts.arguments ?? {},
  };
}

export function queue(name: string, args: Args = {}, vhost = VHOST): QueueResource {
  return { kind: 'queue', vhost, name, type: 'classic', durable: true, auto_delete: false, arguments: args };
}

export function binding(source: string, destination: string, routingKey = '', args: Args = {}, destinationType: 'queue' | 'exchange' = 'queue', vhost = VHOST): BindingResource {
  const id = { source, destination, destination_type: destinationType, routing_key: routingKey, arguments: args };
  return { kind: 'binding', vhost, name: bindingName(id), ...id };
}

export function e2e(source: string, destination: string, routingKey = '', args: Args = {}): BindingResource {
  return binding(source, destination, routingKey, args, 'exchange');
}

export function topo(...resources: Resource[]): RouteTopology {
  const vhost: Resource = { kind: 'vhost', vhost: VHOST, name: VHOST, description: '', tags: [], default_queue_type: 'classic' };
  return topologyFrom(new Map([vhost, ...resources].map((r) => [resourceKey(r), r])));
}

export function policy(
  name: string,
  pattern: string,
  definition: Args,
  opts: { applyTo?: string; priority?: number; vhost?: string; operator?: boolean } = {},
): PolicyResource {
  return {
    kind: opts.operator ? 'operator_policy' : 'policy',
    vhost: opts.vhost ?? VHOST,
    name,
    pattern,
    apply_to: opts.applyTo ?? 'all',
    priority: opts.priority ?? 0,
    definition,
  };
}

export function typedQueue(name: string, type: QueueType, args: Args = {}): QueueResource {
  return { ...queue(name, args), type };
}
