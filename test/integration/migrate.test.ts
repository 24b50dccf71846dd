/**
 * `warren apply --migrate`: a queue that must be replaced keeps every message,
 * exactly once, while publishers keep publishing (src/apply/migrate.ts).
 */
import { connect, type ChannelModel } from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { amqpTarget } from '../../src/apply/amqp-connection.js';
import { Migration } from '../../src/apply/migrate.js';
import { ManagementClient } from '../../src/live/http.js';
import type { QueueResource } from '../../src/model/types.js';
import { amqpUrlFor, freshVhosts, mgmt, testUrls } from '../helpers/broker.js';
import { specFile, warren } from '../helpers/cli.js';

const vhost = freshVhosts();
const connections: ChannelModel[] = [];
async function amqp(v: string): Promise<ChannelModel> {
  const c = await connect(amqpUrlFor(v));
  connections.push(c);
  return c;
}
afterAll(async () => {
  for (const c of connections) await c.close().catch(() => undefined);
});

const enc = encodeURIComponent;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function spec(v: string, queues: Record<string, unknown>): string {
  return specFile({ version: 1, vhosts: { [v]: { exchanges: { ex: { type: 'direct' } }, queues } } });
}

/** Publishes `n` persistent messages with ids `${prefix}-0…` to `ex`, confirmed. */
async function fill(conn: ChannelModel, routingKey: string, prefix: string, n: number): Promise<void> {
  const ch = await conn.createConfirmChannel();
  for (let i = 0; i < n; i++) {
    ch.publish('ex', routingKey, Buffer.from(`${prefix} ${i}`), {
      persistent: true,
      messageId: `${prefix}-${i}`,
      contentType: 'text/plain',
      appId: 'migrate-test',
      timestamp: 1700000000,
      headers: { h: 'v', seq: i },
    });
    if (i % 1000 === 999) await ch.waitForConfirms();
  }
  await ch.waitForConfirms();
  await ch.close();
}

/** A publisher that keeps sending confirmed messages with unique ids until stopped. */
function publisher(conn: ChannelModel, routingKeys: string[]): { confirmed: () => number; nacked: () => number; stop: () => Promise<string[]> } {
  const ids: string[] = [];
  let nacks = 0;
  let stopped = false;
  const done = (async () => {
    const ch = await conn.createConfirmChannel();
    let i = 0;
    while (!stopped) {
      const batch: Promise<string | null>[] = [];
      for (let k = 0; k < 10; k++, i++) {
        const id = `new-${i}`;
        batch.push(
          new Promise((res) => {
            ch.publish('ex', routingKeys[i % routingKeys.length] as string, Buffer.from(id), { persistent: true, messageId: id }, (err) => res(err ? null : id));
          }),
        );
      }
      for (const r of await Promise.all(batch)) {
        if (r === null) nacks++;
        else ids.push(r);
      }
      await sleep(2);
    }
    await ch.close();
  })();
  return {
    confirmed: () => ids.length,
    nacked: () => nacks,
    stop: async () => {
      stopped = true;
      await done;
      return ids;
    },
  };
}

interface Drained {
  ids: string[];
  sample: { headers: Record<string, unknown>; contentType: unknown; appId: unknown; timestamp: unknown; deliveryMode: unknown } | undefined;
}

/** Consumes (and acks) every message of the queue, in order. */
async function drain(conn: ChannelModel, queue: string): Promise<Drained> {
  const ch = await conn.createChannel();
  await ch.prefetch(1000);
  const { messageCount } = await ch.checkQueue(queue);
  const ids: string[] = [];
  let sample: Drained['sample'];
  if (messageCount > 0) {
    await new Promise<void>((resolve) => {
      void ch.consume(queue, (m) => {
        if (!m) return;
        ids.push(String(m.properties.messageId));
        if (String(m.properties.messageId) === 'old-7') {
          sample = {
            headers: m.properties.headers ?? {},
            contentType: m.properties.contentType,
            appId: m.properties.appId,
            timestamp: m.properties.timestamp,
            deliveryMode: m.properties.deliveryMode,
          };
        }
        ch.ack(m);
        if (ids.length === messageCount) resolve();
      });
    });
  }
  await sleep(100);
  expect((await ch.checkQueue(queue)).messageCount).toBe(0);
  await ch.close();
  return { ids, sample };
}

function expectExactly(ids: string[], expected: Iterable<string>): void {
  const want = new Set(expected);
  const seen = new Map<string, number>();
  for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  const duplicated = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  const missing = [...want].filter((id) => !seen.has(id));
  const unexpected = [...seen.keys()].filter((id) => !want.has(id));
  expect({ duplicated: duplicated.slice(0, 10), missing: missing.slice(0, 10), unexpected: unexpected.slice(0, 10) }).toEqual({
    duplicated: [],
    missing: [],
    unexpected: [],
  });
  expect(ids.length).toBe(want.size);
}

function inOrder(ids: string[], prefix: string): boolean {
  const seq = ids.filter((id) => id.startsWith(`${prefix}-`)).map((id) => Number(id.slice(prefix.length + 1)));
  return seq.every((n, i) => i === 0 || n > (seq[i - 1] as number));
}

async function vhostLeftovers(v: string): Promise<string[]> {
  const q = await mgmt<{ name: string }[]>('GET', `/api/queues/${enc(v)}?columns=name`);
  const x = await mgmt<{ name: string }[]>('GET', `/api/exchanges/${enc(v)}?columns=name`);
  const p = await mgmt<{ name: string }[]>('GET', `/api/policies/${enc(v)}`);
  return [...q.body, ...x.body, ...p.body].map((r) => r.name).filter((n) => n.includes('warren-migrate'));
}

describe('apply --migrate', () => {
  it('turns a classic queue holding 10,000 messages into a quorum queue while a publisher keeps sending: every message once', async () => {
    const v = await vhost('migrate-10k');
    const bind = [
      { exchange: 'ex', routing_key: 'k' },
      { exchange: 'ex', routing_key: 'k2' },
    ];
    const classic = spec(v, { orders: { type: 'classic', bind }, other: { bind: [{ exchange: 'ex', routing_key: 'k2' }] } });
    const quorum = spec(v, { orders: { type: 'quorum', bind }, other: { bind: [{ exchange: 'ex', routing_key: 'k2' }] } });
    expect((await warren('apply', classic, '--auto-approve')).code).toBe(0);
    const conn = await amqp(v);
    await fill(conn, 'k', 'old', 10_000);

    const refused = await warren('apply', quorum, '--auto-approve');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('QUEUE_DATA_LOSS');
    expect(refused.stderr).toContain('--allow-data-loss or --migrate');

    const pub = publisher(await amqp(v), ['k', 'k2']);
    await sleep(300);
    const atStart = pub.confirmed();
    const t0 = Date.now();
    const applied = await warren('apply', quorum, '--auto-approve', '--migrate');
    const applyMs = Date.now() - t0;
    const duringApply = pub.confirmed() - atStart;
    await sleep(300);
    const published = await pub.stop();
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    expect(applied.stdout).toContain('Verified');
    expect(applied.stdout).toMatch(/queue 'orders' in vhost '[^']+' migrated: moved \d+ messages of its backlog and \d+ published during the migration/);
    expect(pub.nacked()).toBe(0);
    expect(duringApply).toBeGreaterThan(100); // the publisher really was sending during the whole apply

    const info = await mgmt<{ type: string }>('GET', `/api/queues/${enc(v)}/orders`);
    expect(info.body.type).toBe('quorum');
    expect(await vhostLeftovers(v)).toEqual([]);

    const { ids, sample } = await drain(conn, 'orders');
    const newForOrders = published; // both k and k2 route to orders
    expectExactly(ids, [...Array.from({ length: 10_000 }, (_, i) => `old-${i}`), ...newForOrders]);
    expect(inOrder(ids, 'old')).toBe(true);
    // `other` (bound with k2) got its own copies, untouched by the migration
    const other = await drain(conn, 'other');
    expectExactly(other.ids, published.filter((id) => Number(id.slice(4)) % 2 === 1));
    expect(sample).toMatchObject({ headers: { h: 'v', seq: 7 }, contentType: 'text/plain', appId: 'migrate-test', timestamp: 1700000000, deliveryMode: 2 });
    console.log(`10k migration: apply ${applyMs} ms, ${published.length} published meanwhile (${duringApply} during the apply), ${ids.length} in the quorum queue`);
  }, 120_000);

  it('replaces a classic queue whose argument changed, keeping its messages in order', async () => {
    const v = await vhost('migrate-arg');
    const before = spec(v, { q: { arguments: { 'x-max-length': 5000 }, bind: [{ exchange: 'ex', routing_key: 'a' }] } });
    const after = spec(v, { q: { arguments: { 'x-max-length': 6000 }, bind: [{ exchange: 'ex', routing_key: 'a' }] } });
    expect((await warren('apply', before, '--auto-approve')).code).toBe(0);
    const conn = await amqp(v);
    await fill(conn, 'a', 'old', 1000);
    const applied = await warren('apply', after, '--auto-approve', '--migrate');
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    const q = await mgmt<{ arguments: Record<string, unknown> }>('GET', `/api/queues/${enc(v)}/q`);
    expect(q.body.arguments['x-max-length']).toBe(6000);
    expect(await vhostLeftovers(v)).toEqual([]);
    const { ids } = await drain(conn, 'q');
    expectExactly(ids, Array.from({ length: 1000 }, (_, i) => `old-${i}`));
    expect(inOrder(ids, 'old')).toBe(true);
  });

  it('finishes interrupted migrations when apply --migrate runs again', async () => {
    const v = await vhost('migrate-resume');
    const bind = (k: string): unknown[] => [{ exchange: 'ex', routing_key: k }];
    const before = spec(v, { early: { type: 'classic', bind: bind('e') }, late: { type: 'classic', bind: bind('l') } });
    const after = spec(v, { early: { type: 'quorum', bind: bind('e') }, late: { type: 'quorum', bind: bind('l') } });
    expect((await warren('apply', before, '--auto-approve')).code).toBe(0);
    const conn = await amqp(v);
    await fill(conn, 'e', 'old', 2000);
    await fill(conn, 'l', 'old', 2000);

    const http = new ManagementClient(testUrls().management);
    const ctx = { http, target: amqpTarget(testUrls().amqp, v), allowDataLoss: false, note: () => undefined };
    const quorum = (name: string): QueueResource => ({ kind: 'queue', vhost: v, name, type: 'quorum', durable: true, auto_delete: false, arguments: {} });
    try {
      // `early` stops right after the switch to the holding queue; `late` after the new queue was declared.
      const early = new Migration(v, quorum('early'), ctx);
      await early.open();
      await early.prepare();
      await early.routeThroughExchange();
      await early.switchToHolding();
      await early.close();
      const late = new Migration(v, quorum('late'), ctx);
      await late.open();
      await late.prepare();
      await late.routeThroughExchange();
      await late.switchToHolding();
      await late.drainOld();
      await late.declareNew();
      await late.close();
    } finally {
      await http.close();
    }
    // Published meanwhile: held in the holding queues, not lost.
    await fill(conn, 'e', 'mid', 100);
    await fill(conn, 'l', 'mid', 100);

    const resumed = await warren('apply', after, '--auto-approve', '--migrate');
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    expect(resumed.stdout + resumed.stderr).toContain("queue 'early' in vhost");
    expect(resumed.stdout + resumed.stderr).toContain("queue 'late' in vhost");
    expect(resumed.stdout + resumed.stderr).toContain('finished an interrupted migration');
    expect(await vhostLeftovers(v)).toEqual([]);
    for (const name of ['early', 'late']) {
      expect((await mgmt<{ type: string }>('GET', `/api/queues/${enc(v)}/${name}`)).body.type).toBe('quorum');
      const { ids } = await drain(conn, name);
      expectExactly(ids, [...Array.from({ length: 2000 }, (_, i) => `old-${i}`), ...Array.from({ length: 100 }, (_, i) => `mid-${i}`)]);
      expect(inOrder(ids, 'old')).toBe(true);
    }
    // Converged: nothing left to do.
    const again = await warren('plan', after, '--detailed-exitcode');
    expect(again.code, again.stdout).toBe(0);
  });

  it('resumes from a saved plan too: the queue step of a migration stopped after the old queue was deleted', async () => {
    const v = await vhost('migrate-saved');
    const before = spec(v, { q: { type: 'classic', bind: [{ exchange: 'ex', routing_key: 'k' }] } });
    const after = spec(v, { q: { type: 'quorum', bind: [{ exchange: 'ex', routing_key: 'k' }] } });
    expect((await warren('apply', before, '--auto-approve')).code).toBe(0);
    const conn = await amqp(v);
    await fill(conn, 'k', 'old', 500);
    const http = new ManagementClient(testUrls().management);
    try {
      const m = new Migration(v, { kind: 'queue', vhost: v, name: 'q', type: 'quorum', durable: true, auto_delete: false, arguments: {} }, {
        http,
        target: amqpTarget(testUrls().amqp, v),
        allowDataLoss: false,
        note: () => undefined,
      });
      await m.open();
      await m.prepare();
      await m.routeThroughExchange();
      await m.switchToHolding();
      await m.drainOld();
      await m.close();
    } finally {
      await http.close();
    }
    expect((await mgmt('GET', `/api/queues/${enc(v)}/q`)).status).toBe(404);
    await fill(conn, 'k', 'mid', 50); // routed to the holding queue: the old queue is gone
    const planFile = `${specFile('x: 1', 'unused.yaml')}.plan.json`;
    const planned = await warren('plan', after, '-o', planFile);
    expect(planned.code, planned.stderr).toBe(0);
    const resumed = await warren('apply', planFile, '--migrate');
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    expect(resumed.stdout).toContain('finished an interrupted migration');
    expect(await vhostLeftovers(v)).toEqual([]);
    const { ids } = await drain(conn, 'q');
    expectExactly(ids, [...Array.from({ length: 500 }, (_, i) => `old-${i}`), ...Array.from({ length: 50 }, (_, i) => `mid-${i}`)]);
  });
});
