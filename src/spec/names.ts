/** What RabbitMQ accepts as names (rabbitmq-semantics.md §8), and the exchanges every vhost has. */
import { BUILTIN_EXCHANGE_TYPES } from '../model/types.js';
import { BUILTIN_EXCHANGE_TYPES_SINCE } from '../model/versions.js';
import type { SourceLocation } from '../model/types.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic } from '../model/diagnostics.js';
import { q } from './describe.js';

/** AMQP shortstr: queue, exchange and routing key names. */
export const MAX_NAME_BYTES = 255;

/** Exchanges RabbitMQ creates in every vhost, with their types. */
export const PREDECLARED_EXCHANGES: ReadonlyMap<string, string> = new Map([
  ['amq.direct', 'direct'],
  ['amq.fanout', 'fanout'],
  ['amq.topic', 'topic'],
  ['amq.headers', 'headers'],
  ['amq.match', 'headers'],
  ['amq.rabbitmq.trace', 'topic'],
]);

/** Plugin exchange types and the plugin that provides each. */
export const PLUGIN_EXCHANGE_TYPES: Readonly<Record<string, string>> = {
  'x-consistent-hash': 'rabbitmq_consistent_hash_exchange',
  'x-delayed-message': 'rabbitmq_delayed_message_exchange',
  'x-random': 'rabbitmq_random_exchange',
  'x-modulus-hash': 'rabbitmq_sharding',
  'x-recent-history': 'rabbitmq_recent_history_exchange',
  'x-jms-topic': 'rabbitmq_jms_topic_exchange',
};

export const KNOWN_EXCHANGE_TYPES: readonly string[] = [...BUILTIN_EXCHANGE_TYPES, ...Object.keys(BUILTIN_EXCHANGE_TYPES_SINCE), ...Object.keys(PLUGIN_EXCHANGE_TYPES)];

export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * Checks of an exchange or queue name: not empty, not `amq.`-prefixed, at most
 * 255 bytes, no CR or LF (the broker strips them, so the name would not match).
 */
export function checkResourceName(kind: 'exchange' | 'queue', name: string, at: SourceLocation): Diagnostic[] {
  if (name === '') {
    const why = kind === 'exchange' ? '"" is the default exchange, which every vhost has' : 'the broker would generate a random name';
    return [diagnostic('EMPTY_NAME', `a ${kind} name cannot be empty (${why}); give it a name`, at)];
  }
  const out: Diagnostic[] = [];
  if (name.startsWith('amq.')) {
    const message =
      kind === 'exchange' && PREDECLARED_EXCHANGES.has(name)
        ? `exchange ${q(name)} is predeclared by RabbitMQ in every vhost; remove this declaration (bindings may use it as it is)`
        : `${kind} name ${q(name)} starts with \`amq.\`, which RabbitMQ reserves for itself; rename it`;
    out.push(diagnostic('RESERVED_NAME', message, at));
  }
  const bytes = utf8Bytes(name);
  if (bytes > MAX_NAME_BYTES) {
    out.push(diagnostic('NAME_TOO_LONG', `${kind} name is ${bytes} bytes long in UTF-8; RabbitMQ allows at most ${MAX_NAME_BYTES}; shorten it`, at));
  }
  if (/[\r\n]/.test(name)) {
    out.push(diagnostic('INVALID_NAME', `${kind} name ${q(name)} contains a line break, which RabbitMQ strips from names; remove it`, at));
  }
  return out;
}

export function checkVhostName(name: string, at: SourceLocation): Diagnostic[] {
  if (name === '') return [diagnostic('EMPTY_NAME', 'a vhost name cannot be empty; use "/" for the default vhost', at)];
  const bytes = utf8Bytes(name);
  if (bytes > MAX_NAME_BYTES) {
    return [
      diagnostic(
        'NAME_TOO_LONG',
        `vhost name is ${bytes} bytes long in UTF-8; AMQP clients can only connect to vhosts of at most ${MAX_NAME_BYTES} bytes; shorten it`,
        at,
      ),
    ];
  }
  return [];
}
