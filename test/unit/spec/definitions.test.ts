import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSpecTexts, parseSpecText } from '../../../src/spec/index.js';
import { bindingKey, namedKey } from '../../../src/model/keys.js';
import { only, where } from './helpers.js';

const SEED = '/work/shared/acceptance/seed-definitions.json';

describe('RabbitMQ definitions export as a spec', () => {
  it('accepts a plain-text user password as the broker does, warning at its place without repeating it', () => {
    const text = JSON.stringify({ users: [{ name: 'app', password: 'hunter2', tags: '' }], vhosts: [{ name: 'v' }] }, null, 2);
    const { desired, diagnostics } = parseSpecText(text, 'defs.json');
    expect(diagnostics.map(where)).toEqual([{ code: 'PLAIN_TEXT_PASSWORD', severity: 'warning', file: 'defs.json', line: 5, column: 19, path: '/users/0/password' }]);
    expect(diagnostics[0]?.message).toContain('password: { env: APP_PASSWORD }');
    expect(desired).not.toBeNull();
    expect(JSON.stringify([diagnostics, [...(desired?.resources.values() ?? [])]])).not.toContain('hunter2');
  });

  it('accepts the acceptance seed as it is', () => {
    const { desired, diagnostics } = parseSpecText(readFileSync(SEED, 'utf8'), 'seed-definitions.json');
    expect(diagnostics).toEqual([]);
    expect(desired?.vhosts).toEqual(['acceptance']);
    const all = [...(desired?.resources.values() ?? [])];
    expect(all.map((r) => `${r.kind} ${r.name}`)).toEqual([
      'vhost acceptance',
      'exchange tasks_fanout',
      'exchange tasks',
      'queue piap',
      'queue hipri',
      'queue midpri',
      'queue lopri',
      'binding tasks_fanout -> piap [suo_piao]',
      'binding tasks -> hipri [hipri]',
      'binding tasks -> midpri [midpri]',
      'binding tasks -> lopri [lopri]',
    ]);
    expect(desired?.resources.get(namedKey('vhost', 'acceptance', 'acceptance'))).toMatchObject({
      description: '',
      tags: [],
      default_queue_type: 'classic',
      source: { file: 'seed-definitions.json', line: 2, column: 14, path: '/vhosts/0' },
    });
    expect(desired?.resources.get(namedKey('exchange', 'acceptance', 'tasks_fanout'))).toEqual({
      kind: 'exchange',
      vhost: 'acceptance',
      name: 'tasks_fanout',
      type: 'fanout',
      durable: true,
      auto_delete: false,
      internal: false,
      arguments: {},
      source: { file: 'seed-definitions.json', line: 4, column: 5, path: '/exchanges/0' },
    });
    expect(desired?.resources.get(namedKey('queue', 'acceptance', 'lopri'))).toEqual({
      kind: 'queue',
      vhost: 'acceptance',
      name: 'lopri',
      type: 'classic',
      durable: true,
      auto_delete: false,
      arguments: { 'x-max-length': 10000 },
      source: { file: 'seed-definitions.json', line: 11, column: 5, path: '/queues/3' },
    });
    const binding = desired?.resources.get(
      bindingKey({ vhost: 'acceptance', source: 'tasks_fanout', destination: 'piap', destination_type: 'queue', routing_key: 'suo_piao', arguments: {} }),
    );
    expect(binding).toMatchObject({ kind: 'binding', sourceLocation: { line: 14, column: 5, path: '/bindings/0' } });
  });

  it('reports a binding to an undeclared destination at file:line:column', () => {
    const text = [
      '{',
      '  "vhosts": [{ "name": "v" }],',
      '  "exchanges": [{ "name": "x", "vhost": "v", "type": "direct", "durable": true, "auto_delete": false, "internal": false, "arguments": {} }],',
      '  "queues": [{ "name": "orders", "vhost": "v", "durable": true, "auto_delete": false, "arguments": {} }],',
      '  "bindings": [',
      '    { "source": "x", "vhost": "v", "destination": "order", "destination_type": "queue", "routing_key": "k", "arguments": {} }',
      '  ]',
      '}',
    ].join('\n');
    const { desired, diagnostics } = parseSpecText(text, 'definitions.json');
    expect(desired).toBeNull();
    expect(diagnostics.map(where)).toEqual([
      { code: 'BINDING_DESTINATION_UNDECLARED', severity: 'error', file: 'definitions.json', line: 6, column: 51, path: '/bindings/0/destination' },
    ]);
    expect(diagnostics[0]?.message).toBe('binding destination queue "order" is not declared in vhost "v"; did you mean "orders"? (or declare it under `queues`)');
  });

  it('reads users, permissions, policies and parameters as their own kinds, and ignores version keys silently', () => {
    const text = JSON.stringify(
      {
        rabbit_version: '3.13.7',
        rabbitmq_version: '3.13.7',
        product_name: 'RabbitMQ',
        product_version: '3.13.7',
        users: [{ name: 'guest', password_hash: '', tags: 'administrator' }],
        permissions: [{ user: 'guest', vhost: '/', configure: '.*', write: '.*', read: '.*' }],
        topic_permissions: [],
        policies: [{ name: 'p', vhost: '/', pattern: '^q', definition: { 'max-length': 1 } }],
        parameters: [
          { name: 'limits', vhost: '/', component: 'vhost-limits', value: { 'max-queues': 10, 'max-connections': -1 } },
          { name: 'cap', vhost: '/', component: 'operator_policy', value: { pattern: '.*', definition: { 'max-length': 5 }, priority: 0, 'apply-to': 'queues' } },
        ],
        global_parameters: [{ name: 'cluster_name', value: 'x' }],
        vhosts: [{ name: '/' }],
        queues: [{ name: 'q', vhost: '/', durable: true, auto_delete: false, arguments: {} }],
      },
      null,
      2,
    );
    const { desired, diagnostics } = parseSpecText(text, 'defs.json');
    expect(diagnostics).toEqual([]);
    expect([...(desired?.resources.values() ?? [])].map((r) => `${r.kind} ${r.name}`).sort()).toEqual([
      'operator_policy cap',
      'permission guest',
      'policy p',
      'queue q',
      'user guest',
      'vhost /',
      'vhost_limit max-queues',
    ]);
    expect(desired?.globalKinds).toEqual(['user', 'user_limit', 'global_parameter']);
  });

  it('declares the vhosts resources use that the file does not list, as when it has no `vhosts` list', () => {
    const implicit = parseSpecText(JSON.stringify({ queues: [{ name: 'q', vhost: 'a' }] }), 'i.json');
    expect(implicit.diagnostics).toEqual([]);
    expect(implicit.desired?.vhosts).toEqual(['a']);

    // RabbitMQ's import accepts a permission in `/` when `/` exists, though the file lists only `a`.
    const text = JSON.stringify({
      vhosts: [{ name: 'a', description: 'listed' }],
      users: [{ name: 'u', password_hash: '', tags: [] }],
      permissions: [{ user: 'u', vhost: '/', configure: '.*', write: '.*', read: '.*' }],
      queues: [{ name: 'q', vhost: 'b' }],
    });
    const { desired, diagnostics } = parseSpecText(text, 'e.json');
    expect(diagnostics).toEqual([]);
    expect(desired?.vhosts).toEqual(['a', 'b', '/']);
    // An unlisted vhost has no metadata of its own: its fields are left as they are.
    expect(desired?.resources.get(namedKey('vhost', '/', '/'))).toMatchObject({ unset: ['description', 'tags', 'default_queue_type', 'protected_from_deletion'] });
    expect(desired?.resources.get(namedKey('vhost', 'a', 'a'))).toMatchObject({ description: 'listed' });
  });

  it('reads vhost deletion protection (4.x) from metadata or the entry, false included; left out, it is unmanaged', () => {
    const text = '{\n  "vhosts": [{ "name": "p", "metadata": { "description": "", "protected_from_deletion": true } }, { "name": "o", "protected_from_deletion": true }, { "name": "n", "metadata": { "protected_from_deletion": false } }, { "name": "u" }]\n}';
    const { desired, diagnostics } = parseSpecText(text, 'p.json');
    expect(diagnostics).toEqual([]);
    const vhost = (name: string): unknown => desired?.resources.get(namedKey('vhost', name, name));
    expect(vhost('p')).toMatchObject({ protected_from_deletion: true });
    expect(vhost('o')).toMatchObject({ protected_from_deletion: true });
    expect(vhost('n')).toMatchObject({ protected_from_deletion: false });
    expect(vhost('n')).not.toMatchObject({ unset: expect.arrayContaining(['protected_from_deletion']) as unknown });
    expect(vhost('u')).toMatchObject({ unset: expect.arrayContaining(['protected_from_deletion']) as unknown });
  });

  it('refuses a non-boolean deletion protection', () => {
    const { desired, diagnostics } = parseSpecText('{ "vhosts": [{ "name": "p", "metadata": { "protected_from_deletion": "yes" } }] }', 'p.json');
    expect(desired).toBeNull();
    expect(diagnostics[0]).toMatchObject({ severity: 'error', path: '/vhosts/0/metadata/protected_from_deletion' });
  });

  it('explains a single-vhost export, which has no `vhost` fields', () => {
    const d = only(parseSpecText(JSON.stringify({ rabbit_version: '3.13.7', queues: [{ name: 'q' }] }), 'one.json').diagnostics, 'DEFINITIONS_WITHOUT_VHOST');
    expect(d.message).toContain('export the whole broker');
    expect(d.message).toContain('--into-vhost NAME');
  });

  it('validates the export shape; unknown fields are only warnings', () => {
    const text = '{\n  "queues": [{ "name": "q", "vhost": "/", "durable": "true", "exclusive_owner": null }]\n}';
    const { diagnostics } = parseSpecText(text, 'd.json');
    expect(diagnostics.map(where)).toEqual([
      { code: 'SCHEMA_TYPE', severity: 'error', file: 'd.json', line: 2, column: 54, path: '/queues/0/durable' },
      { code: 'SCHEMA_UNKNOWN_PROPERTY', severity: 'warning', file: 'd.json', line: 2, column: 62, path: '/queues/0/exclusive_owner' },
    ]);
    expect(diagnostics[0]?.message).toBe('`durable` of queue "q" (vhost "/") must be a boolean (true or false), got the string "true"; write true without quotes');
  });

  it('takes the queue type from `type` or x-queue-type, and the vhost metadata default_queue_type', () => {
    const text = JSON.stringify({
      vhosts: [{ name: 'v', metadata: { description: 'd', tags: ['t'], default_queue_type: 'quorum' } }],
      queues: [
        { name: 'a', vhost: 'v', durable: true, auto_delete: false, arguments: {} },
        { name: 'b', vhost: 'v', durable: true, auto_delete: false, arguments: { 'x-queue-type': 'stream' } },
        { name: 'c', vhost: 'v', type: 'classic', durable: true, auto_delete: false, arguments: {} },
      ],
    });
    const { desired, diagnostics } = parseSpecText(text, 'd.json');
    expect(diagnostics).toEqual([]);
    expect(desired?.resources.get(namedKey('vhost', 'v', 'v'))).toMatchObject({ description: 'd', tags: ['t'], default_queue_type: 'quorum' });
    const types = ['a', 'b', 'c'].map((n) => desired?.resources.get(namedKey('queue', 'v', n)));
    expect(types.map((r) => (r?.kind === 'queue' ? [r.type, r.arguments] : undefined))).toEqual([
      ['quorum', {}],
      ['stream', {}],
      ['classic', {}],
    ]);
  });

  it('mixes with native files in one spec', () => {
    const native = 'version: 1\nvhosts:\n  acceptance:\n    queues:\n      extra: { bind: [{ exchange: tasks, routing_key: extra }] }\n';
    const { desired, diagnostics } = loadSpecTexts([
      { file: 'seed.json', text: readFileSync(SEED, 'utf8') },
      { file: 'extra.yaml', text: native },
    ]);
    expect(diagnostics).toEqual([]);
    expect(desired?.vhosts).toEqual(['acceptance']);
    expect(desired?.resources.size).toBe(13);
  });
});

describe('definitions: reserved names', () => {
  it('skips amq.* exchanges and queues with a warning, as RabbitMQ import does', () => {
    const text = JSON.stringify({
      exchanges: [{ name: 'amq.rabbitmq.log', vhost: '/', type: 'topic', durable: true, auto_delete: false, internal: true, arguments: {} }],
      queues: [{ name: 'amq.gen-abc', vhost: '/', durable: true, auto_delete: false, arguments: {} }, { name: 'q', vhost: '/' }],
      bindings: [{ source: 'amq.topic', vhost: '/', destination: 'q', destination_type: 'queue', routing_key: '#', arguments: {} }],
    });
    const { desired, diagnostics } = parseSpecText(text, 'd.json');
    expect(diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual([
      ['RESERVED_NAME_IGNORED', 'warning', '/exchanges/0/name'],
      ['RESERVED_NAME_IGNORED', 'warning', '/queues/0/name'],
    ]);
    expect([...(desired?.resources.values() ?? [])].map((r) => `${r.kind} ${r.name}`)).toEqual(['vhost /', 'queue q', 'binding amq.topic -> q [#]']);
  });
});

describe('definitions: empty lists where a map is expected', () => {
  it('reads `[]` as empty for vhost limits and metadata and for arguments, as RabbitMQ import does', () => {
    const text = JSON.stringify(
      {
        rabbit_version: '3.9.13',
        vhosts: [{ name: 'v', limits: [], metadata: [] }],
        exchanges: [{ name: 'x', vhost: 'v', type: 'direct', durable: true, auto_delete: false, internal: false, arguments: [] }],
        queues: [{ name: 'q', vhost: 'v', durable: true, auto_delete: false, arguments: [] }],
        bindings: [{ source: 'x', vhost: 'v', destination: 'q', destination_type: 'queue', routing_key: 'k', arguments: [] }],
      },
      null,
      2,
    );
    const { desired, diagnostics } = parseSpecText(text, 'defs.json');
    expect(diagnostics).toEqual([]);
    const all = [...(desired?.resources.values() ?? [])];
    expect(all.map((r) => `${r.kind} ${r.name}`)).toEqual(['vhost v', 'exchange x', 'queue q', 'binding x -> q [k]']);
    for (const r of all) if ('arguments' in r) expect(r.arguments).toEqual({});
  });

  it('keeps refusing [] where the broker refuses it too: user limits, policy definitions', () => {
    // RabbitMQ 3.10.8 and 4.3.6 answer 400 {badmap,[]} and "no policy provided" to these.
    const users = parseSpecText(JSON.stringify({ vhosts: [{ name: 'v' }], users: [{ name: 'u', password_hash: '', tags: '', limits: [] }] }), 'd.json');
    expect(users.diagnostics.map((d) => [d.code, d.path])).toEqual([['SCHEMA_TYPE', '/users/0/limits']]);
    const policies = parseSpecText(JSON.stringify({ vhosts: [{ name: 'v' }], policies: [{ vhost: 'v', name: 'p', pattern: '.*', definition: [] }] }), 'd.json');
    expect(policies.diagnostics.map((d) => [d.code, d.path])).toEqual([['SCHEMA_TYPE', '/policies/0/definition']]);
  });

  it('refuses a non-empty list there, saying what to write', () => {
    const text = JSON.stringify({ vhosts: [{ name: 'v', limits: [{ 'max-queues': 1 }] }] }, null, 2);
    const { diagnostics } = parseSpecText(text, 'defs.json');
    expect(diagnostics.map(where)).toEqual([{ code: 'SCHEMA_TYPE', severity: 'error', file: 'defs.json', line: 5, column: 17, path: '/vhosts/0/limits' }]);
    expect(diagnostics[0]?.message).toContain('must be a map, got a non-empty list');
  });
});
