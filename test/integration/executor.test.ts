import { randomBytes } from 'node:crypto';
import { connect } from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan, type ApplyEvent, type ApplyResult } from '../../src/apply/execute.js';
import { ManagementClient, seg } from '../../src/live/http.js';
import { readLive } from '../../src/live/read.js';
import type { Action } from '../../src/model/change.js';
import { bindingName, resourceKey } from '../../src/model/keys.js';
import { PLAN_FORMAT_VERSION, type Phase, type PlanDocument, type PlannedChange } from '../../src/model/plan.js';
import type { Args, BindingResource, ExchangeResource, QueueResource, QueueType, Resource, VhostResource } from '../../src/model/types.js';
import { amqpUrlFor, freshVhosts, mgmt, testUrls } from '../helpers/broker.js';

const users: string[] = [];
afterAll(async () => {
  for (const u of users) await mgmt('DELETE', `/api/users/${seg(u)}`);
});
const vhost = freshVhosts();

// --- building plans by hand -------------------------------------------------

const vhostRes = (name: string, extra: Partial<VhostResource> = {}): VhostResource => ({
  kind: 'vhost', vhost: name, name, description: '', tags: [], default_queue_type: 'classic', ...extra,
});
const exchange = (vhost: string, name: string, type: string, extra: Partial<ExchangeResource> = {}): ExchangeResource => ({
  kind: 'exchange', vhost, name, type, durable: true, auto_delete: false, internal: false, arguments: {}, ...extra,
});
const queue = (vhost: string, name: string, type: QueueType = 'classic', args: Args = {}): QueueResource => ({
  kind: 'queue', vhost, name, type, durable: true, auto_delete: false, arguments: args,
});
function binding(vhost: string, source: string, destination: string, routing_key: string, args: Args = {}, destination_type: 'queue' | 'exchange' = 'queue'): BindingResource {
  const id = { source, destination, destination_type, routing_key, arguments: args };
  return { kind: 'binding', vhost, name: bindingName(id), ...id };
}

const PHASE: Record<'vhost' | 'exchange' | 'queue' | 'binding', [Phase, Phase]> = {
  vhost: ['vhosts', 'vhosts'],
  exchange: ['exchanges', 'delete-exchanges'],
  queue: ['queues', 'delete-queues'],
  binding: ['bind', 'unbind'],
};

function change(action: Action, r: Resource, before?: Resource): PlannedChange {
  const phase = PHASE[r.kind as keyof typeof PHASE][action === 'delete' ? 1 : 0];
  return {
    action, kind: r.kind, vhost: r.vhost, name: r.name, key: resourceKey(r), phase, fields: [], reasons: [],
    ...(action === 'delete' ? { before: before ?? r } : { after: r }),
    ...(action !== 'delete' && before ? { before } : {}),
  };
}

function plan(changes: PlannedChange[]): PlanDocument {
  return {
    format_version: PLAN_FORMAT_VERSION, warren_version: 'test', broker_version: null,
    vhosts: [...new Set(changes.map((c) => c.vhost))], prune: false, changes, unmanaged: [], hazards: [], warnings: [],
    summary: { create: 0, update: 0, replace: 0, delete: 0, unmanaged: 0 },
  };
}

async function run(p: PlanDocument, opts: { allowDataLoss?: boolean; concurrency?: number; amqp?: string } = {}): Promise<{ result: ApplyResult; events: ApplyEvent[] }> {
  const events: ApplyEvent[] = [];
  const result = await applyPlan(p, { management: testUrls().management, amqp: opts.amqp ?? testUrls().amqp }, {
    allowDataLoss: opts.allowDataLoss ?? false,
    ...(opts.concurrency === undefined ? {} : { concurrency: opts.concurrency }),
    onEvent: (e) => events.push(e),
  });
  return { result, events };
}

async function get<T>(path: string): Promise<T> {
  const res = await mgmt<T>('GET', path);
  if (!res.ok) throw new Error(`GET ${path} -> ${res.status}`);
  return res.body;
}

interface BindingRow { source: string; destination: string; destination_type: string; routing_key: string; arguments: Record<string, unknown>; properties_key: string }
interface QueueRow { name: string; type: string; durable: boolean; arguments: Record<string, unknown>; messages?: number }

const userBindings = async (v: string): Promise<BindingRow[]> =>
  (await get<BindingRow[]>(`/api/bindings/${seg(v)}`)).filter((b) => b.source !== '');

async function publish(v: string, q: string, body: string): Promise<void> {
  const res = await mgmt('POST', `/api/exchanges/${seg(v)}/amq.default/publish`, { properties: {}, routing_key: q, payload: body, payload_encoding: 'string' });
  expect(res.body).toEqual({ routed: true });
}

// --- tests ------------------------------------------------------------------

describe('applyPlan', () => {
  it('creates a vhost, exchanges, queues and bindings, with integer args typed as long', async () => {
    const v = vhost.adopt(`warren-test-exec-create-${randomBytes(4).toString('hex')}`);
    const p = plan([
      change('create', vhostRes(v, { description: 'made by warren', tags: ['a', 'b'], default_queue_type: 'quorum' })),
      change('create', exchange(v, 'orders', 'topic', { arguments: { 'alternate-exchange': 'unrouted' } })),
      change('create', exchange(v, 'unrouted', 'fanout', { internal: true })),
      change('create', exchange(v, 'hdr', 'headers', { durable: false, auto_delete: true })),
      change('create', queue(v, 'classic.q', 'classic', { 'x-max-length': 10, 'x-message-ttl': 60000 })),
      change('create', queue(v, 'quorum.q', 'quorum', { 'x-delivery-limit': 3 })),
      change('create', binding(v, 'orders', 'classic.q', 'order.#', { n: 7, nested: { k: [1, 'x'] }, f: 0.5 })),
      change('create', binding(v, 'orders', 'hdr', '#', {}, 'exchange')),
      change('create', binding(v, 'amq.topic', 'quorum.q', 'legacy.*')),
    ]);
    const { result, events } = await run(p);
    expect(result.failed).toBeNull();
    expect(result.pending).toEqual([]);
    expect(result.applied).toHaveLength(9);
    expect(events.filter((e) => e.type === 'start')).toHaveLength(9);
    expect(events.filter((e) => e.type === 'done')).toHaveLength(9);
    // the management user owns the vhost it created, and here is also the AMQP user: nothing to grant
    expect(events.filter((e) => e.type === 'note')).toEqual([]);

    const vh = await get<{ description: string; tags: string[]; default_queue_type: string }>(`/api/vhosts/${seg(v)}`);
    expect(vh).toMatchObject({ description: 'made by warren', tags: ['a', 'b'], default_queue_type: 'quorum' });

    const queues = await get<QueueRow[]>(`/api/queues/${seg(v)}?disable_stats=true`);
    // x-queue-type is always sent, so the vhost's quorum default does not capture the classic queue
    expect(queues.map((q) => [q.name, q.type, q.durable, q.arguments])).toEqual([
      ['classic.q', 'classic', true, { 'x-max-length': 10, 'x-message-ttl': 60000, 'x-queue-type': 'classic' }],
      ['quorum.q', 'quorum', true, { 'x-delivery-limit': 3, 'x-queue-type': 'quorum' }],
    ]);
    const exchanges = await get<Array<{ name: string; type: string; durable: boolean; auto_delete: boolean; internal: boolean; arguments: object }>>(
      `/api/exchanges/${seg(v)}?disable_stats=true`,
    );
    expect(exchanges.filter((x) => x.name !== '' && !x.name.startsWith('amq.')).map((x) => [x.name, x.type, x.durable, x.auto_delete, x.internal, x.arguments])).toEqual([
      ['hdr', 'headers', false, true, false, {}],
      ['orders', 'topic', true, false, false, { 'alternate-exchange': 'unrouted' }],
      ['unrouted', 'fanout', true, false, true, {}],
    ]);
    const before = await userBindings(v);
    expect(before.map((b) => [b.source, b.destination, b.destination_type, b.routing_key, b.arguments])).toEqual([
      ['amq.topic', 'quorum.q', 'queue', 'legacy.*', {}],
      ['orders', 'classic.q', 'queue', 'order.#', { f: 0.5, n: 7, nested: { k: [1, 'x'] } }],
      ['orders', 'hdr', 'exchange', '#', {}],
    ]);
    // The same binding POSTed over HTTP (JSON integers become long) is the SAME binding:
    // proof that the executor typed its integers as long.
    const post = await mgmt('POST', `/api/bindings/${seg(v)}/e/orders/q/classic.q`, { routing_key: 'order.#', arguments: { n: 7, nested: { k: [1, 'x'] }, f: 0.5 } });
    expect(post.status).toBe(201);
    expect(await userBindings(v)).toHaveLength(3);

    // apply-then-read: the live state normalizes back to exactly what was applied
    const client = new ManagementClient(testUrls().management);
    try {
      const observed = await readLive(client, [v]);
      const afters = p.changes.map((c) => c.after).filter((r): r is Resource => r !== undefined);
      for (const r of afters) {
        const live = observed.resources.get(resourceKey(r));
        // live-only fields (message counts, properties_keys) aside, it is the resource that was applied
        // (and deletion protection, which a vhost that leaves it out does not manage: live reads false)
        const liveOnly = new Set(['messages', 'properties_keys', ...('protected_from_deletion' in r ? [] : ['protected_from_deletion'])]);
        expect(Object.fromEntries(Object.entries(live ?? {}).filter(([k]) => !liveOnly.has(k)))).toEqual(r);
      }
    } finally {
      await client.close();
    }
  });

  it('grants the AMQP user permissions on a vhost it created, and says so', async () => {
    const v = vhost.adopt(`warren-test-exec-perm-${randomBytes(4).toString('hex')}`);
    const user = `warren-test-user-${randomBytes(4).toString('hex')}`;
    users.push(user);
    expect((await mgmt('PUT', `/api/users/${seg(user)}`, { password: 'pw-9f8e7d', tags: '' })).ok).toBe(true);
    const amqp = new URL(testUrls().amqp);
    amqp.username = user;
    amqp.password = 'pw-9f8e7d';
    const { result, events } = await run(plan([change('create', vhostRes(v)), change('create', queue(v, 'q'))]), { amqp: amqp.toString() });
    expect(result.failed).toBeNull();
    const notes = events.filter((e) => e.type === 'note');
    expect(notes).toHaveLength(1);
    expect(notes[0]?.type === 'note' ? notes[0].message : '').toContain(`granted user '${user}'`);
    const perm = await get<{ configure: string; write: string; read: string }>(`/api/permissions/${seg(v)}/${seg(user)}`);
    expect(perm).toMatchObject({ configure: '.*', write: '.*', read: '.*' });
  });

  it('replaces a queue whose argument changed', async () => {
    const v = await vhost('exec-replace');
    const old = queue(v, 'q', 'classic', { 'x-max-length': 10 });
    expect((await run(plan([change('create', old)]))).result.failed).toBeNull();
    const next = queue(v, 'q', 'classic', { 'x-max-length': 20 });
    const { result } = await run(plan([change('replace', next, old)]));
    expect(result.failed).toBeNull();
    const q = await get<QueueRow>(`/api/queues/${seg(v)}/q`);
    expect(q.arguments).toEqual({ 'x-max-length': 20, 'x-queue-type': 'classic' });
  });

  it('deletes a binding by every properties_key, including integer type aliases', async () => {
    const v = await vhost('exec-unbind');
    const conn = await connect(amqpUrlFor(v));
    try {
      const ch = await conn.createChannel();
      await ch.assertExchange('x', 'direct', { durable: true });
      await ch.assertQueue('q', { durable: true });
      await ch.bindQueue('q', 'x', 'k', { n: 1 }); // byte
      await ch.bindQueue('q', 'x', 'k', { n: { '!': 'long', value: 1 } }); // long
      await ch.bindQueue('q', 'x', 'keep');
    } finally {
      await conn.close();
    }
    expect(await userBindings(v)).toHaveLength(3);
    const client = new ManagementClient(testUrls().management);
    let live: Resource | undefined;
    try {
      live = (await readLive(client, [v])).resources.get(resourceKey(binding(v, 'x', 'q', 'k', { n: 1 })));
    } finally {
      await client.close();
    }
    expect(live?.kind === 'binding' ? live.properties_keys : []).toHaveLength(2);
    const { result } = await run(plan([change('delete', live as Resource)]));
    expect(result.failed).toBeNull();
    expect((await userBindings(v)).map((b) => b.routing_key)).toEqual(['keep']);

    // without listed keys (a plan not made from a live read) the keys are looked up; already gone is fine
    const { result: again } = await run(plan([change('delete', binding(v, 'x', 'q', 'keep')), change('delete', binding(v, 'x', 'q', 'k', { n: 1 }))]));
    expect(again.failed).toBeNull();
    expect(await userBindings(v)).toEqual([]);
  });

  it('refuses to delete a non-empty queue without allowDataLoss, and deletes it with it', async () => {
    const v = await vhost('exec-dataloss');
    await run(plan([change('create', queue(v, 'full')), change('create', queue(v, 'empty')), change('create', exchange(v, 'x', 'direct'))]));
    await publish(v, 'full', 'precious');

    const deletes = plan([change('delete', queue(v, 'full')), change('delete', queue(v, 'empty')), change('delete', exchange(v, 'x', 'direct'))]);
    const { result, events } = await run(deletes, { concurrency: 1 });
    expect(result.applied).toEqual([]);
    expect(result.failed?.change.name).toBe('full');
    expect(result.failed?.error).toEqual({
      code: 'APPLY_STEP_FAILED',
      severity: 'error',
      message:
        `delete queue "full" in vhost "${v}" failed: PRECONDITION_FAILED - queue 'full' in vhost '${v}' not empty (AMQP 406); ` +
        'the queue holds messages; re-run with --allow-data-loss to delete it anyway, or drain it first',
    });
    expect(result.pending.map((c) => c.name)).toEqual(['empty', 'x']);
    expect(events.map((e) => e.type)).toEqual(['start', 'failed']);
    const queues = await get<QueueRow[]>(`/api/queues/${seg(v)}?disable_stats=true&enable_queue_totals=true`);
    expect(queues.map((q) => [q.name, q.messages])).toEqual([['empty', 0], ['full', 1]]);

    const forced = await run(deletes, { allowDataLoss: true });
    expect(forced.result.failed).toBeNull();
    expect(forced.result.applied).toHaveLength(3);
    expect((await mgmt('GET', `/api/queues/${seg(v)}/full`)).status).toBe(404);
  });

  it('guards quorum and stream deletes itself (3.10 cannot: if-empty on quorum closes the connection, streams ignore it)', async () => {
    const v = await vhost('exec-qq-delete');
    const qq = queue(v, 'qq', 'quorum');
    const empty = queue(v, 'qq.empty', 'quorum');
    const st = queue(v, 'st', 'stream');
    expect((await run(plan([change('create', qq), change('create', empty), change('create', st)]))).result.failed).toBeNull();
    await publish(v, 'qq', 'precious');

    const refused = await run(plan([change('delete', qq)]));
    expect(refused.result.failed?.error.message).toBe(
      `delete queue "qq" in vhost "${v}" failed: quorum queue 'qq' holds 1 ready message(s); re-run with --allow-data-loss to delete the queue anyway, or drain it first`,
    );
    const stream = await run(plan([change('delete', st)]));
    expect(stream.result.failed?.error.message).toMatch(/stream 'st' may hold messages/);

    // an empty quorum queue and an already missing one are deleted without the flag
    const ok = await run(plan([change('delete', empty), change('delete', queue(v, 'qq.missing', 'quorum'))]));
    expect(ok.result.failed).toBeNull();
    const names = (await get<QueueRow[]>(`/api/queues/${seg(v)}?disable_stats=true`)).map((q) => q.name);
    expect(names).toEqual(['qq', 'st']);

    const forced = await run(plan([change('delete', qq), change('delete', st)]), { allowDataLoss: true });
    expect(forced.result.failed).toBeNull();
    expect(await get<QueueRow[]>(`/api/queues/${seg(v)}?disable_stats=true`)).toEqual([]);
  });

  it('refuses to delete an exchange that is still a binding source', async () => {
    const v = await vhost('exec-x-in-use');
    await run(plan([change('create', exchange(v, 'x', 'direct')), change('create', queue(v, 'q')), change('create', binding(v, 'x', 'q', 'k'))]));
    const { result } = await run(plan([change('delete', exchange(v, 'x', 'direct'))]));
    expect(result.failed?.error.message).toBe(
      `delete exchange "x" in vhost "${v}" failed: PRECONDITION_FAILED - exchange 'x' in vhost '${v}' in use (AMQP 406); ` +
        'the exchange is still the source of bindings; remove them first (declare them in the spec for removal, or use --prune)',
    );
  });

  // An unknown exchange type: RabbitMQ 3.10 closes the whole connection (503 COMMAND_INVALID),
  // 4.x only the channel (406 PRECONDITION_FAILED). Either way that step alone fails.
  it('survives the broker closing the whole connection or the channel (unknown exchange type)', async () => {
    const v = await vhost('exec-conn-close');
    const p = plan([
      change('create', exchange(v, 'a', 'direct')),
      change('create', exchange(v, 'bad', 'x-no-such-type')),
      change('create', exchange(v, 'c', 'fanout')),
      change('create', queue(v, 'later')),
    ]);
    const { result } = await run(p);
    expect(result.failed?.change.name).toBe('bad');
    expect(result.failed?.error.code).toBe('APPLY_STEP_FAILED');
    const major = Number((await get<{ rabbitmq_version: string }>('/api/overview')).rabbitmq_version.split('.')[0]);
    // 3.10 closes the whole connection (503); 4.x (measured on 4.3.6) only the channel (406)
    expect(result.failed?.error.message).toContain(major >= 4 ? "PRECONDITION_FAILED - unknown exchange type 'x-no-such-type'" : "COMMAND_INVALID - unknown exchange type 'x-no-such-type'");
    if (major < 4) expect(result.failed?.error.message).toMatch(/plugin/);
    // steps that died with the connection without causing it were not confirmed: pending, with the ones never started
    expect(result.pending.map((c) => c.name)).toContain('later');
    expect(result.alsoFailed).toEqual([]);
    expect([...result.applied, ...result.pending].map((c) => c.name).sort()).toEqual(['a', 'c', 'later']);
    expect((await mgmt('GET', `/api/queues/${seg(v)}/later`)).status).toBe(404);
  });

  it('reports an unreachable AMQP endpoint, redacted', async () => {
    const v = await vhost('exec-unreachable');
    const { result } = await run(plan([change('create', queue(v, 'q')), change('create', queue(v, 'r'))]), {
      amqp: 'amqp://guest:t0psecret@127.0.0.1:1',
    });
    expect(result.failed?.error.code).toBe('BROKER_UNREACHABLE');
    expect(result.failed?.error.message).toContain(`amqp://guest:****@127.0.0.1:1/${seg(v)}`);
    expect(result.failed?.error.message).not.toContain('t0psecret');
    expect(result.applied).toEqual([]);
  });

  it('applies 200 queues and 200 bindings in one go', async () => {
    const v = await vhost('exec-scale');
    const N = 200;
    const changes: PlannedChange[] = [change('create', exchange(v, 'fan', 'topic'))];
    for (let i = 0; i < N; i++) changes.push(change('create', queue(v, `q.${i}`, 'classic', i % 10 === 0 ? { 'x-max-length': 1000 } : {})));
    for (let i = 0; i < N; i++) changes.push(change('create', binding(v, 'fan', `q.${i}`, `k.${i}.#`, i % 50 === 0 ? { n: i } : {})));
    const t0 = performance.now();
    const { result } = await run(plan(changes));
    const ms = performance.now() - t0;
    expect(result.failed).toBeNull();
    expect(result.applied).toHaveLength(2 * N + 1);
    const queues = await get<QueueRow[]>(`/api/queues/${seg(v)}?disable_stats=true&columns=name`);
    expect(queues).toHaveLength(N);
    expect(await userBindings(v)).toHaveLength(N);
    console.info(`[executor] applied ${N} queues + ${N} bindings in ${ms.toFixed(0)} ms`);
  });
});
