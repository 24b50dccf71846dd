/**
 * JSON Schema (2020-12) of the parts of a RabbitMQ definitions export
 * (`GET /api/definitions`, `rabbitmqctl export_definitions`) that Warren reads.
 *
 * Other top-level keys pass untouched.
 * Unknown fields inside an entry are reported as warnings, not errors,
 * because exports gain fields from one RabbitMQ version to the next.
 * `vhost` is not required here: a missing one is reported once per file by the loader.
 */

/*
 * Erlang writes an empty proplist as `[]`: exports of 3.9 to 4.1 have
 * `"limits": []` on vhosts, older ones `"arguments": []`. RabbitMQ's import
 * reads both as empty (verified 3.10.8 and 4.3.6), so an empty list is
 * accepted where a map is expected; a non-empty one is not.
 */

const argumentsSchema = {
  description: 'Argument table; values keep their JSON types. An empty list is an empty table.',
  type: ['object', 'array'],
  maxItems: 0,
} as const;

const tags = {
  description: 'Vhost tags, as a list (or a comma-separated string in old exports).',
  type: ['array', 'string'],
  items: { type: 'string' },
} as const;

const limitsSchema = {
  description: 'Limits, e.g. max-connections.',
  type: 'object',
  additionalProperties: { type: 'number' },
} as const;

const vhostLimitsSchema = {
  ...limitsSchema,
  description: 'Vhost limits, e.g. max-queues; an empty list is none.',
  type: ['object', 'array'],
  maxItems: 0,
} as const;

const queueType = {
  description: 'Queue type; `undefined` in some 3.x exports means unset.',
  enum: ['classic', 'quorum', 'stream', 'undefined'],
} as const;

/** A string field. */
function text(description: string) {
  return { description, type: 'string' } as const;
}

/**
 * A top-level list of entries: objects closed to other fields (ajv reports the
 * unknown ones, which the loader turns into warnings).
 */
function entries<const R extends readonly string[], const P extends Record<string, unknown>>(
  description: string,
  required: R,
  properties: P,
) {
  return {
    description,
    type: 'array',
    items: { type: 'object', required, additionalProperties: false, properties },
  } as const;
}

export const DEFINITIONS_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:warren:schema:definitions',
  description: 'A RabbitMQ definitions export.',
  type: 'object',
  properties: {
    vhosts: entries('Virtual hosts.', ['name'], {
      name: text('Vhost name.'),
      description: text('Vhost description.'),
      tags,
      default_queue_type: queueType,
      metadata: {
        description: 'Vhost metadata (3.11+); an empty list is none (RabbitMQ 4.x imports that, 3.10 refuses it).',
        type: ['object', 'array'],
        maxItems: 0,
        additionalProperties: false,
        properties: {
          description: { type: 'string' },
          tags,
          default_queue_type: queueType,
          protected_from_deletion: { type: 'boolean', description: 'Deletion protection (RabbitMQ 4.0.6+), managed as the native `protected_from_deletion`: true protects the vhost, false lifts it.' },
        },
      },
      limits: vhostLimitsSchema,
      protected_from_deletion: { type: 'boolean', description: 'Deletion protection (RabbitMQ 4.0.6+), managed as the native `protected_from_deletion`: true protects the vhost, false lifts it.' },
      tracing: { description: 'Tracing flag (ignored).' },
      cluster_state: { description: 'Cluster state (ignored).' },
    }),
    exchanges: entries('Exchanges.', ['name', 'type'], {
      name: text('Exchange name.'),
      vhost: text('The vhost of the exchange.'),
      type: text('Exchange type.'),
      durable: { description: 'Survives a restart. Default: true.', type: 'boolean' },
      auto_delete: { description: 'Deleted with its last binding. Default: false.', type: 'boolean' },
      internal: { description: 'Not publishable by clients. Default: false.', type: 'boolean' },
      arguments: argumentsSchema,
    }),
    queues: entries('Queues.', ['name'], {
      name: text('Queue name.'),
      vhost: text('The vhost of the queue.'),
      type: { description: 'Queue type (recent exports).', enum: ['classic', 'quorum', 'stream'] },
      durable: { description: 'Survives a restart. Default: true.', type: 'boolean' },
      auto_delete: { description: 'Deleted with its last consumer. Default: false.', type: 'boolean' },
      arguments: argumentsSchema,
    }),
    users: entries('Users (global).', ['name'], {
      name: text('User name.'),
      password_hash: text('Password hash; empty for a passwordless user.'),
      password: text('Plain-text password, hashed as RabbitMQ does (warning PLAIN_TEXT_PASSWORD: the file keeps a secret).'),
      hashing_algorithm: text('Hashing algorithm of password_hash; without it, MD5 for exports of RabbitMQ 3.0 to 3.5, else SHA-256.'),
      tags: { description: 'User tags, as a list or a comma-separated string.', type: ['array', 'string'], items: { type: 'string' } },
      limits: limitsSchema,
    }),
    permissions: entries('Permissions of users in vhosts.', ['user', 'vhost', 'configure', 'write', 'read'], {
      user: text('User name.'),
      vhost: text('Vhost.'),
      configure: text('Configure regex.'),
      write: text('Write regex.'),
      read: text('Read regex.'),
    }),
    topic_permissions: entries('Topic permissions of users in vhosts.', ['user', 'vhost', 'exchange', 'write', 'read'], {
      user: text('User name.'),
      vhost: text('Vhost.'),
      exchange: text('Topic exchange.'),
      write: text('Write regex.'),
      read: text('Read regex.'),
    }),
    policies: entries('Policies.', ['name', 'pattern', 'definition'], {
      name: text('Policy name.'),
      vhost: text('Vhost.'),
      pattern: text('Name pattern.'),
      'apply-to': text('queues, exchanges, all, ...'),
      priority: { description: 'Priority.', type: 'integer' },
      definition: { description: 'Policy definition.', type: 'object' },
    }),
    parameters: entries('Runtime parameters (including operator policies and vhost limits).', ['name', 'component', 'value'], {
      name: text('Parameter name.'),
      vhost: text('Vhost.'),
      component: text('Component, e.g. shovel.'),
      value: { description: 'Value.' },
    }),
    global_parameters: entries('Global runtime parameters.', ['name', 'value'], {
      name: text('Parameter name.'),
      value: { description: 'Value.' },
    }),
    bindings: entries('Bindings.', ['source', 'destination', 'destination_type'], {
      source: text('Source exchange.'),
      vhost: text('The vhost of the binding.'),
      destination: text('Destination queue or exchange.'),
      destination_type: { description: 'queue or exchange.', enum: ['queue', 'exchange'] },
      routing_key: text('Routing key. Default: empty.'),
      arguments: argumentsSchema,
    }),
  },
} as const;

/** Top-level keys of an export that Warren does not manage (ignored with one warning): none since every kind is managed. */
export const UNSUPPORTED_DEFINITION_KINDS: readonly string[] = [];

/** Top-level keys of an export that carry no resources. */
export const DEFINITION_INFO_KEYS = ['rabbit_version', 'rabbitmq_version', 'product_name', 'product_version'] as const;
