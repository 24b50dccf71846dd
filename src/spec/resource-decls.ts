/**
 * Exchange, queue and binding declarations built the same way from either
 * input format, so that both apply the same defaults.
 */
import type { Args, DestinationType, QueueType } from '../model/types.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { bindingName } from '../model/keys.js';
import type { BindingDecl, ExchangeDecl, Origin, QueueDecl } from './declarations.js';
import { explicitQueueType } from './queue-type.js';
import { OPTIONAL_FIELDS } from '../model/defaults.js';

const EXCHANGE = OPTIONAL_FIELDS.exchange;
const QUEUE = OPTIONAL_FIELDS.queue;

/** The fields of an exchange as a file writes them, before defaults. */
export interface ExchangeFields {
  readonly type: string;
  readonly durable?: boolean;
  readonly auto_delete?: boolean;
  readonly internal?: boolean;
  readonly arguments?: Args;
}

/** The fields of a queue as a file writes them, before defaults. */
export interface QueueFields {
  readonly type?: QueueType;
  readonly durable?: boolean;
  readonly auto_delete?: boolean;
  readonly arguments?: Args;
}

export function exchangeDecl(vhost: string, name: string, x: ExchangeFields, origin: Origin): ExchangeDecl {
  return {
    kind: 'exchange',
    origin,
    resource: {
      kind: 'exchange',
      vhost,
      name,
      type: x.type,
      durable: x.durable ?? EXCHANGE.durable.value,
      auto_delete: x.auto_delete ?? EXCHANGE.auto_delete.value,
      internal: x.internal ?? EXCHANGE.internal.value,
      arguments: { ...(x.arguments ?? EXCHANGE.arguments.value) },
      source: origin.at,
    },
  };
}

/** A queue declaration, with the diagnostics of its `type` / `x-queue-type` pair. */
export function queueDecl(
  vhost: string,
  name: string,
  queue: QueueFields,
  exclusive: boolean,
  origin: Origin,
): { decl: QueueDecl; diagnostics: Diagnostic[] } {
  const explicit = explicitQueueType(queue.type, { ...queue.arguments }, () => origin.field('arguments', 'x-queue-type'));
  return {
    decl: {
      kind: 'queue',
      origin,
      type: explicit.type,
      exclusive,
      resource: {
        kind: 'queue',
        vhost,
        name,
        durable: queue.durable ?? QUEUE.durable.value,
        auto_delete: queue.auto_delete ?? QUEUE.auto_delete.value,
        arguments: explicit.arguments,
        source: origin.at,
      },
    },
    diagnostics: explicit.diagnostics,
  };
}

export function binding(
  vhost: string,
  source: string,
  destination: string,
  destination_type: DestinationType,
  routing_key: string | undefined,
  args: Args | undefined,
  origin: Origin,
): BindingDecl {
  const identity = { source, destination, destination_type, routing_key: routing_key ?? OPTIONAL_FIELDS.binding.routing_key.value, arguments: { ...(args ?? OPTIONAL_FIELDS.binding.arguments.value) } };
  return {
    kind: 'binding',
    origin,
    resource: { kind: 'binding', vhost, name: bindingName(identity), ...identity, sourceLocation: origin.at },
  };
}
