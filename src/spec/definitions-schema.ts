/**
 * JSON Schema (2020-12) of the parts of a RabbitMQ definitions export
 * (`GET /api/definitions`, `rabbitmqctl export_definitions`) that Warren reads.
 *
 * Other top-level keys pass untouched.
 * Unknown fields inside an entry are reported as warnings, not errors,
 * because exports gain fields from one RabbitMQ version to the next.
 * `vhost` is not required here: a missing one is reported once per file by the loader.
 */

const argumentsSchema = {
  description: 'Argument table; values keep their JSON types.',
  type: 'object',
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

const queueType = {
  description: 'Queue type; `undefined` in some 3.x exports means unset.',
  enum: ['classic', 'quorum', 'stream', 'undefined'],
} as const;

export const DEFINITIONS_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:warren:schema:definitions',
  description: 'A RabbitMQ definitions export.',
  type: 'object',
  properties: {
    vhosts: {
      description: 'Virtual hosts.',
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: { description: 'Vhost name.', type: 'string' },
          description: { description: 'Vhost description.', type: 'string' },
          tags,
          default_queue_type: queueType,
          metadata: {
            description: 'Vhost metadata (3.11+).',
            type: 'object',
            additionalProperties: false,
            properties: { description: { type: 'string' }, tags, default_queue_type: queueType },
          },
          limits: limitsSchema,
          protected_from_deletion: { description: 'Deletion protection (ignored).' },
          tracing: { description: 'Tracing flag (ignored).' },
          cluster_state: { description: 'Cluster state (ignored).' },
        },
      },
    },
    exchanges: {
      description: 'Exchanges.',
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'type'],
        additionalProperties: false,
        properties: {
          name: { description: 'Exchange name.', type: 'string' },
          vhost: { description: 'The vhost of the exchange.', type: 'string' },
          type: { description: 'Exchange type.', type: 'string' },
          durable: { description: 'Survives a restart. Default: true.', type: 'boolean' },
          auto_delete: { description: 'Deleted with its last binding. Default: false.', type: 'boolean' },
          internal: { description: 'Not publishable by clients. Default: false.', type: 'boolean' },
          arguments: argumentsSchema,
        },
      },
    },
    queues: {
      description: 'Queues.',
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: { description: 'Queue name.', type: 'string' },
          vhost: { description: 'The vhost of the queue.', type: 'string' },
          type: { description: 'Queue type (recent exports).', enum: ['classic', 'quorum', 'stream'] },
          durable: { description: 'Survives a restart. Default: true.', type: 'boolean' },
          auto_delete: { description: 'Deleted with its last consumer. Default: false.', type: 'boolean' },
          arguments: argumentsSchema,
        },
      },
    },
    users: {
      description: 'Users (global).',
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: { description: 'User name.', type: 'string' },
          password_hash: { description: 'Password hash; empty for a passwordless user.', type: 'string' },
          hashing_algorithm: { description: 'Hashing algorithm of password_hash.', type: 'string' },
          tags: { description: 'User tags, as a list or a comma-separated string.', type: ['array', 'string'], items: { type: 'string' } },
          limits: limitsSchema,
        },
      },
    },
    permissions: {
      description: 'Permissions of users in vhosts.',
      type: 'array',
      items: {
        type: 'object',
        required: ['user', 'vhost', 'configure', 'write', 'read'],
        additionalProperties: false,
        properties: {
          user: { description: 'User name.', type: 'string' },
          vhost: { description: 'Vhost.', type: 'string' },
          configure: { description: 'Configure regex.', type: 'string' },
          write: { description: 'Write regex.', type: 'string' },
          read: { description: 'Read regex.', type: 'string' },
        },
      },
    },
    topic_permissions: {
      description: 'Topic permissions of users in vhosts.',
      type: 'array',
      items: {
        type: 'object',
        required: ['user', 'vhost', 'exchange', 'write', 'read'],
        additionalProperties: false,
        properties: {
          user: { description: 'User name.', type: 'string' },
          vhost: { description: 'Vhost.', type: 'string' },
          exchange: { description: 'Topic exchange.', type: 'string' },
          write: { description: 'Write regex.', type: 'string' },
          read: { description: 'Read regex.', type: 'string' },
        },
      },
    },
    policies: {
      description: 'Policies.',
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'pattern', 'definition'],
        additionalProperties: false,
        properties: {
          name: { description: 'Policy name.', type: 'string' },
          vhost: { description: 'Vhost.', type: 'string' },
          pattern: { description: 'Name pattern.', type: 'string' },
          'apply-to': { description: 'queues, exchanges, all, ...', type: 'string' },
          priority: { description: 'Priority.', type: 'integer' },
          definition: { description: 'Policy definition.', type: 'object' },
        },
      },
    },
    parameters: {
      description: 'Runtime parameters (including operator policies and vhost limits).',
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'component', 'value'],
        additionalProperties: false,
        properties: {
          name: { description: 'Parameter name.', type: 'string' },
          vhost: { description: 'Vhost.', type: 'string' },
          component: { description: 'Component, e.g. shovel.', type: 'string' },
          value: { description: 'Value.' },
        },
      },
    },
    global_parameters: {
      description: 'Global runtime parameters.',
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'value'],
        additionalProperties: false,
        properties: {
          name: { description: 'Parameter name.', type: 'string' },
          value: { description: 'Value.' },
        },
      },
    },
    bindings: {
      description: 'Bindings.',
      type: 'array',
      items: {
        type: 'object',
        required: ['source', 'destination', 'destination_type'],
        additionalProperties: false,
        properties: {
          source: { description: 'Source exchange.', type: 'string' },
          vhost: { description: 'The vhost of the binding.', type: 'string' },
          destination: { description: 'Destination queue or exchange.', type: 'string' },
          destination_type: { description: 'queue or exchange.', enum: ['queue', 'exchange'] },
          routing_key: { description: 'Routing key. Default: empty.', type: 'string' },
          arguments: argumentsSchema,
        },
      },
    },
  },
} as const;

/** Top-level keys of an export that Warren does not manage (ignored with one warning): none since every kind is managed. */
export const UNSUPPORTED_DEFINITION_KINDS: readonly string[] = [];

/** Top-level keys of an export that carry no resources. */
export const DEFINITION_INFO_KEYS = ['rabbit_version', 'rabbitmq_version', 'product_name', 'product_version'] as const;
