import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  normalizeArgs,
  normalizeBindings,
  normalizeExchanges,
  normalizeOverview,
  normalizeQueues,
  normalizeVhosts,
} from '../../../src/live/normalize.js';
import { WarrenError } from '../../../src/model/diagnostics.js';

// Recorded from RabbitMQ 3.10.8 (see test/fixtures/live/README.md).
function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/live/${name}.json`, import.meta.url), 'utf8')) as unknown;
}
const V = 'warren-fixture';
const noneHidden = { queues: new Set<string>(), exchanges: new Set<string>() };

describe('normalizeOverview', () => {
  it('reads the version and every exchange type', () => {
    expect(normalizeOverview(fixture('overview'))).toEqual({
      version: '3.10.8',
      exchangeTypes: ['direct', 'fanout', 'headers', 'topic', 'x-consistent-hash', 'x-federation-upstream'],
    });
  });

  it('rejects something that is not an overview', () => {
    expect(() => normalizeOverview([])).toThrow(WarrenError);
    expect(() => normalizeOverview({ management_version: '3' })).toThrow(/rabbitmq_version/);
  });
});

describe('normalizeVhosts', () => {
  it('keeps declared vhosts only, with defaults applied', () => {
    expect(normalizeVhosts(fixture('vhosts'), ['warren-fixture', 'warren-fixture-dqt', '/', 'absent'])).toEqual([
      { kind: 'vhost', vhost: '/', name: '/', description: 'Default virtual host', tags: [], default_queue_type: 'classic', protected_from_deletion: false },
      { kind: 'vhost', vhost: V, name: V, description: 'fixture vhost', tags: ['prod', 'team-a'], default_queue_type: 'classic', protected_from_deletion: false },
      { kind: 'vhost', vhost: 'warren-fixture-dqt', name: 'warren-fixture-dqt', description: '', tags: [], default_queue_type: 'quorum', protected_from_deletion: false },
    ]);
    expect(normalizeVhosts(fixture('vhosts'), ['absent'])).toEqual([]);
  });

  it('accepts tags as a comma-separated string and a missing description', () => {
    expect(normalizeVhosts([{ name: 'v', tags: 'a, b,,c' }], ['v'])).toEqual([
      { kind: 'vhost', vhost: 'v', name: 'v', description: '', tags: ['a', 'b', 'c'], default_queue_type: 'classic', protected_from_deletion: false },
    ]);
  });

  it('reads deletion protection (4.0.6+) from the row or its metadata; absent (older brokers) is unprotected', () => {
    const got = normalizeVhosts([{ name: 'a', protected_from_deletion: true }, { name: 'b', metadata: { protected_from_deletion: true } }, { name: 'c', protected_from_deletion: false }, { name: 'd' }], null);
    expect(got.map((v) => [v.name, v.protected_from_deletion])).toEqual([['a', true], ['b', true], ['c', false], ['d', false]]);
  });
});

describe('normalizeVhosts during a vhost delete (4.3)', () => {
  it('skips a nameless leftover beside named vhosts, and still refuses a list of nameless items', () => {
    const leftover = { recv_oct: 8263, metadata: { default_queue_type: 'classic' }, default_queue_type: 'classic' };
    expect(normalizeVhosts([{ name: 'a' }, leftover], null).map((v) => v.name)).toEqual(['a']);
    expect(() => normalizeVhosts([leftover], null)).toThrow(/no string 'name'/);
  });
});

describe('normalizeQueues', () => {
  const { queues, hidden } = normalizeQueues(fixture('queues'), V);

  it('drops exclusive and server-named queues', () => {
    expect([...hidden].sort()).toEqual(['amq.gen-cIXLYdikCUeovbisUNE0vQ', 'excl-named']);
    expect(queues.map((q) => q.name)).toEqual(['a b/c#d?e%f', 'orders.quorum', 'stream1', 'transient']);
  });

  it('resolves the type and removes x-queue-type from the arguments', () => {
    expect(queues).toEqual([
      {
        kind: 'queue',
        vhost: V,
        name: 'a b/c#d?e%f',
        type: 'classic',
        durable: true,
        auto_delete: false,
        arguments: { 'x-max-length': 10, 'x-message-ttl': 60000, 'x-overflow': 'reject-publish' },
        messages: 1,
      },
      { kind: 'queue', vhost: V, name: 'orders.quorum', type: 'quorum', durable: true, auto_delete: false, arguments: { 'x-delivery-limit': 5 }, messages: 0 },
      { kind: 'queue', vhost: V, name: 'stream1', type: 'stream', durable: true, auto_delete: false, arguments: { 'x-max-age': '7D' } },
      { kind: 'queue', vhost: V, name: 'transient', type: 'classic', durable: false, auto_delete: true, arguments: {}, messages: 0 },
    ]);
  });

  it('falls back to x-queue-type, then classic, when type is missing', () => {
    const rows = [
      { name: 'a', durable: true, auto_delete: false, exclusive: false, arguments: { 'x-queue-type': 'quorum' } },
      { name: 'b', durable: true, auto_delete: false, exclusive: false, arguments: {} },
      { name: 'c', durable: true, auto_delete: false, exclusive: false, consumers: 2 },
    ];
    expect(normalizeQueues(rows, 'v').queues.map((q) => [q.name, q.type, q.arguments, q.consumers])).toEqual([
      ['a', 'quorum', {}, undefined],
      ['b', 'classic', {}, undefined],
      ['c', 'classic', {}, 2],
    ]);
  });

  it('drops federation-owned queues and refuses unknown queue types', () => {
    const rows = [{ name: 'federation: x -> rabbit@a', durable: true, auto_delete: false, exclusive: false, arguments: {} }];
    expect(normalizeQueues(rows, 'v').queues).toEqual([]);
    expect(() => normalizeQueues([{ name: 'd', type: 'delayed', arguments: {} }], 'v')).toThrow(/queue 'd' has type "delayed"/);
  });
});

describe('normalizeExchanges', () => {
  it('drops the default and amq.* exchanges', () => {
    const { exchanges, hidden } = normalizeExchanges(fixture('exchanges'), V);
    expect(hidden.size).toBe(0);
    expect(exchanges).toEqual([
      { kind: 'exchange', vhost: V, name: 'hdr', type: 'headers', durable: false, auto_delete: true, internal: false, arguments: {} },
      {
        kind: 'exchange',
        vhost: V,
        name: 'orders',
        type: 'topic',
        durable: true,
        auto_delete: false,
        internal: false,
        arguments: { 'alternate-exchange': 'unrouted' },
      },
      { kind: 'exchange', vhost: V, name: 'unrouted', type: 'fanout', durable: true, auto_delete: false, internal: true, arguments: {} },
    ]);
  });

  it('hides federation exchanges (by type and by name)', () => {
    const rows = [
      { name: 'federation: up -> rabbit@a A', type: 'x-federation-upstream', durable: true, auto_delete: false, internal: true, arguments: {} },
      { name: 'federation: other', type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} },
    ];
    const { exchanges, hidden } = normalizeExchanges(rows, 'v');
    expect(exchanges).toEqual([]);
    expect([...hidden]).toEqual(['federation: up -> rabbit@a A', 'federation: other']);
  });
});

describe('normalizeBindings', () => {
  const hiddenQueues = normalizeQueues(fixture('queues'), V).hidden;
  const bindings = normalizeBindings(fixture('bindings'), V, { queues: hiddenQueues, exchanges: new Set() });

  it('drops default-exchange bindings and bindings to implicit queues, keeps amq.* sources', () => {
    expect(bindings.map((b) => b.name)).toEqual([
      'amq.topic -> orders.quorum [audit.*]',
      'hdr -> transient [] {"n":1,"nested":{"k":[1,"x",true,1.5]},"x-match":"any"}',
      'orders -> a b/c#d?e%f [a b/c%e+f#g?h&i]',
      'orders -> exchange:hdr []',
      'orders -> orders.quorum [order.#]',
      'orders -> transient []',
      'orders -> transient [typed] {"n":1}',
    ]);
  });

  it('merges JSON-identical rows (integer type aliases) into one resource with every properties_key', () => {
    const typed = bindings.find((b) => b.routing_key === 'typed');
    expect(typed).toEqual({
      kind: 'binding',
      vhost: V,
      name: 'orders -> transient [typed] {"n":1}',
      source: 'orders',
      destination: 'transient',
      destination_type: 'queue',
      routing_key: 'typed',
      arguments: { n: 1 },
      properties_keys: ['typed~dTfaWg', 'typed~hadFaw', 'typed~lvwe7w'],
    });
  });

  it('keeps exchange-to-exchange bindings with their properties_key', () => {
    expect(bindings.find((b) => b.destination_type === 'exchange')).toMatchObject({
      source: 'orders',
      destination: 'hdr',
      routing_key: '',
      arguments: {},
      properties_keys: ['~'],
    });
  });

  it('drops bindings from or to hidden federation exchanges', () => {
    const rows = [
      { source: 'federation: f', destination: 'q', destination_type: 'queue', routing_key: '', arguments: {}, properties_key: '~' },
      { source: 'x', destination: 'federation: f', destination_type: 'exchange', routing_key: '', arguments: {}, properties_key: '~' },
    ];
    expect(normalizeBindings(rows, 'v', { queues: new Set(), exchanges: new Set(['federation: f']) })).toEqual([]);
    expect(normalizeBindings(rows, 'v', noneHidden)).toHaveLength(2);
  });

  it('distinguishes arguments by value class', () => {
    const rows = [
      { source: 'x', destination: 'q', destination_type: 'queue', routing_key: 'k', arguments: { n: 1 }, properties_key: 'k~a' },
      { source: 'x', destination: 'q', destination_type: 'queue', routing_key: 'k', arguments: { n: '1' }, properties_key: 'k~b' },
    ];
    expect(normalizeBindings(rows, 'v', noneHidden).map((b) => b.properties_keys)).toEqual([['k~a'], ['k~b']]);
  });
});

describe('normalizeArgs', () => {
  it('accepts any JSON data and treats null as no arguments', () => {
    expect(normalizeArgs({ a: [1, { b: null }] }, 'here')).toEqual({ a: [1, { b: null }] });
    expect(normalizeArgs(null, 'here')).toEqual({});
    expect(() => normalizeArgs('x', 'here')).toThrow(/here: 'arguments' is not an object/);
  });
});

describe('unavailableQueue', () => {
  it('tells a classic queue whose node is down or whose process failed', async () => {
    const { unavailableQueue } = await import('../../../src/live/normalize.js');
    expect(unavailableQueue('classic', 'down', 'rabbit@b')).toBe('its node rabbit@b is down');
    expect(unavailableQueue('classic', 'crashed', 'rabbit@a')).toBe('it is crashed on rabbit@a');
    expect(unavailableQueue('classic', 'running', 'rabbit@a')).toBeUndefined();
    expect(unavailableQueue('classic', undefined, undefined)).toBeUndefined();
    expect(unavailableQueue('quorum', 'down', 'rabbit@a')).toBeUndefined(); // replicated: its bindings stay listed
  });
});
