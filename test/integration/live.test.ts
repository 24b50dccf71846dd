import { connect } from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { HttpError, ManagementClient, seg } from '../../src/live/http.js';
import { GLOBAL_PATHS, readLive } from '../../src/live/read.js';
import { WarrenError } from '../../src/model/diagnostics.js';
import type { Resource } from '../../src/model/types.js';
import { amqpUrlFor, brokerVersion, freshVhosts, mgmt, testUrls } from '../helpers/broker.js';

/** The AMQP topology (what these tests are about), without users, permissions and the like. */
const isTopology = (r: { kind: string }): boolean => ['vhost', 'exchange', 'queue', 'binding'].includes(r.kind);

const vhost = freshVhosts();
const clients: ManagementClient[] = [];
afterAll(async () => {
  for (const c of clients) await c.close();
});

function client(url = testUrls().management): ManagementClient {
  const c = new ManagementClient(url);
  clients.push(c);
  return c;
}

async function ok(method: string, path: string, body?: unknown): Promise<void> {
  const res = await mgmt(method, path, body);
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
}

/** Counts GETs, to prove reads are bulk. */
class CountingClient extends ManagementClient {
  readonly paths: string[] = [];
  override get(path: string): Promise<unknown> {
    this.paths.push(path);
    return super.get(path);
  }
}

describe('readLive', () => {
  it('reads a topology in a few bulk calls and normalizes it exactly', async () => {
    const v = await vhost('live');
    const V = seg(v);
    await ok('PUT', `/api/queues/${V}/orders.quorum`, { durable: true, auto_delete: false, arguments: { 'x-queue-type': 'quorum' } });
    await ok('PUT', `/api/queues/${V}/orders.classic`, { durable: true, auto_delete: false, arguments: { 'x-max-length': 100 } });
    await ok('PUT', `/api/exchanges/${V}/orders`, { type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} });
    await ok('PUT', `/api/exchanges/${V}/audit`, { type: 'fanout', durable: true, auto_delete: false, internal: true, arguments: {} });
    await ok('POST', `/api/bindings/${V}/e/orders/q/orders.quorum`, { routing_key: 'order.*', arguments: { 'x-priority': 5, tag: 'a' } });
    await ok('POST', `/api/bindings/${V}/e/orders/e/audit`, { routing_key: '#', arguments: {} });
    await ok('POST', `/api/bindings/${V}/e/amq.topic/q/orders.classic`, { routing_key: 'legacy.#', arguments: {} });
    await ok('POST', `/api/exchanges/${V}/amq.default/publish`, {
      properties: {},
      routing_key: 'orders.classic',
      payload: 'hello',
      payload_encoding: 'string',
    });

    const c = new CountingClient(testUrls().management);
    clients.push(c);
    const observed = await readLive(c, [v]);
    // overview, vhosts, the whole-broker listings (users, permissions, policies, ...), then 3 per vhost
    expect(c.paths).toHaveLength(2 + Object.keys(GLOBAL_PATHS).length + 3);
    expect(observed.broker.version).toBe(brokerVersion());
    expect(observed.broker.exchangeTypes).toEqual(expect.arrayContaining(['direct', 'fanout', 'headers', 'topic']));
    expect(observed.vhosts).toEqual([v]);

    // The broker lists in no particular order (Warren asks it not to sort): compare by key.
    const byKind = (kind: Resource['kind']): Resource[] =>
      [...observed.resources]
        .filter(([, r]) => r.kind === kind)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, r]) => r);
    expect(byKind('vhost')).toEqual([
      { kind: 'vhost', vhost: v, name: v, description: 'warren integration test', tags: [], default_queue_type: 'classic', protected_from_deletion: false },
    ]);
    expect(byKind('exchange')).toEqual([
      { kind: 'exchange', vhost: v, name: 'audit', type: 'fanout', durable: true, auto_delete: false, internal: true, arguments: {} },
      { kind: 'exchange', vhost: v, name: 'orders', type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} },
    ]);
    expect(byKind('queue')).toEqual([
      { kind: 'queue', vhost: v, name: 'orders.classic', type: 'classic', durable: true, auto_delete: false, arguments: { 'x-max-length': 100 }, messages: 1 },
      { kind: 'queue', vhost: v, name: 'orders.quorum', type: 'quorum', durable: true, auto_delete: false, arguments: {}, messages: 0 },
    ]);
    const bindings = byKind('binding');
    expect(bindings).toHaveLength(3);
    expect(bindings).toEqual(
      expect.arrayContaining([
        {
          kind: 'binding',
          vhost: v,
          name: 'amq.topic -> orders.classic [legacy.#]',
          source: 'amq.topic',
          destination: 'orders.classic',
          destination_type: 'queue',
          routing_key: 'legacy.#',
          arguments: {},
          properties_keys: ['legacy.%23'],
        },
        {
          kind: 'binding',
          vhost: v,
          name: 'orders -> exchange:audit [#]',
          source: 'orders',
          destination: 'audit',
          destination_type: 'exchange',
          routing_key: '#',
          arguments: {},
          properties_keys: ['%23'],
        },
        {
          kind: 'binding',
          vhost: v,
          name: 'orders -> orders.quorum [order.*] {"tag":"a","x-priority":5}',
          source: 'orders',
          destination: 'orders.quorum',
          destination_type: 'queue',
          routing_key: 'order.*',
          arguments: { tag: 'a', 'x-priority': 5 },
          properties_keys: [expect.stringMatching(/^order\.%2A~/) as string],
        },
      ]),
    );
  });

  it('ignores exclusive and server-named queues and their bindings, and merges typed aliases', async () => {
    const v = await vhost('live-implicit');
    const conn = await connect(amqpUrlFor(v));
    try {
      const ch = await conn.createChannel();
      await ch.assertExchange('x', 'direct', { durable: true });
      await ch.assertQueue('q', { durable: true });
      const gen = await ch.assertQueue('', { exclusive: true });
      await ch.assertQueue('mine', { exclusive: true });
      await ch.bindQueue(gen.queue, 'x', 'k');
      await ch.bindQueue('mine', 'x', 'k');
      await ch.bindQueue('q', 'x', 'n', { n: 1 }); // byte
      await ch.bindQueue('q', 'x', 'n', { n: { '!': 'long', value: 1 } }); // long
      const observed = await readLive(client(), [v]);
      const names = [...observed.resources.values()].filter(isTopology).map((r) => `${r.kind}:${r.name}`);
      expect(names).toEqual([`vhost:${v}`, 'exchange:x', 'queue:q', 'binding:x -> q [n] {"n":1}']);
      const b = [...observed.resources.values()].find((r) => r.kind === 'binding');
      expect(b?.kind === 'binding' ? b.properties_keys : undefined).toHaveLength(2);
    } finally {
      await conn.close();
    }
  });

  it('encodes awkward vhost and queue names, and skips declared vhosts that do not exist', async () => {
    const v = vhost.adopt(`warren-test-live/odd name?#%-${Date.now()}`);
    await ok('PUT', `/api/vhosts/${seg(v)}`, { description: '', tags: 'x,y' });
    await ok('PUT', `/api/queues/${seg(v)}/${seg('a b/c#d?e%f')}`, { durable: true, auto_delete: false, arguments: {} });
    const observed = await readLive(client(), [v, 'warren-test-absent-vhost']);
    expect(observed.vhosts).toEqual([v, 'warren-test-absent-vhost']);
    expect([...observed.resources.values()].filter(isTopology)).toEqual([
      { kind: 'vhost', vhost: v, name: v, description: '', tags: ['x', 'y'], default_queue_type: 'classic', protected_from_deletion: false },
      { kind: 'queue', vhost: v, name: 'a b/c#d?e%f', type: 'classic', durable: true, auto_delete: false, arguments: {}, messages: 0 },
    ]);
  });

  it('explains the broker bug that makes bindings unreadable', async () => {
    const v = await vhost('live-tilde');
    const conn = await connect(amqpUrlFor(v));
    try {
      const ch = await conn.createChannel();
      await ch.assertExchange('x', 'direct', { durable: true });
      await ch.assertQueue('q', { durable: true });
      await ch.bindQueue('q', 'x', 'a~b', { n: 1 });
      const err = await readLive(client(), [v]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WarrenError);
      expect((err as WarrenError).diagnostics[0]?.code).toBe('LIVE_BINDINGS_UNREADABLE');
      await ch.unbindQueue('q', 'x', 'a~b', { n: 1 });
    } finally {
      await conn.close();
    }
  });
});

describe('ManagementClient', () => {
  it('reports wrong credentials as BROKER_AUTH_FAILED without the password', async () => {
    const u = new URL(testUrls().management);
    u.password = 'not-the-password-xyz';
    const err = await client(u.toString()).get('/api/overview').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    const d = (err as HttpError).diagnostics[0];
    expect(d?.code).toBe('BROKER_AUTH_FAILED');
    expect(d?.message).toMatch(/administrator tag/);
    expect((err as Error).message).not.toContain('not-the-password-xyz');
  });

  it('reports a closed port as BROKER_UNREACHABLE, redacted, with the fix', async () => {
    const c = new ManagementClient('http://admin:sup3rsecret@127.0.0.1:1', { retries: 1 });
    clients.push(c);
    const err = await c.get('/api/overview').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WarrenError);
    const d = (err as WarrenError).diagnostics[0];
    expect(d?.code).toBe('BROKER_UNREACHABLE');
    expect(d?.message).toContain('http://admin:****@127.0.0.1:1');
    expect(d?.message).toContain('connection refused');
    expect(d?.message).toMatch(/WARREN_MANAGEMENT_URL/);
    expect(d?.message).not.toContain('sup3rsecret');
  });

  it('returns HTTP_ERROR with the broker reason, and 404 on delete is not an error', async () => {
    const v = await vhost('live-http');
    const c = client();
    const err = await c.put(`/api/queues/${seg(v)}/q`, { durable: false, auto_delete: false, arguments: { 'x-queue-type': 'bogus' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(400);
    expect((err as HttpError).diagnostics[0]?.code).toBe('HTTP_ERROR');
    expect((err as HttpError).diagnostics[0]?.message).toMatch(/^PUT \/api\/queues\/.* failed with HTTP 400: .+/);
    expect(await c.delete(`/api/queues/${seg(v)}/nope`)).toEqual({ status: 404 });
    const created = await c.post(`/api/bindings/${seg(v)}/e/amq.direct/e/amq.fanout`, { routing_key: 'k', arguments: {} });
    expect(created.status).toBe(201);
    expect(created.location).toBeDefined();
  });
});
