/**
 * A real 3-node RabbitMQ cluster on loopback (`scripts/broker.sh cluster-start`):
 * - apply with all three nodes up, through the lists of all three endpoints;
 * - stop the first node of the lists: plan and apply still succeed through
 *   another one, and report the unreachable endpoints (ENDPOINT_UNREACHABLE);
 * - quorum queues declared with `x-quorum-initial-group-size` end up with
 *   that many members, on the live nodes when the size fits them (asked for
 *   more, RabbitMQ also places one on the down node; a majority is online).
 *
 * Part of the normal suite: vitest's `cluster` project runs this file after
 * every other one, so that booting three more nodes (~22 s cold on two cores)
 * competes with no other test. WARREN_CLUSTER=0 skips it (a quick local loop).
 * The nodes are left running, the stopped one included: the next run's
 * `cluster-start` starts what is down.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { connect } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amqpTarget } from '../../src/apply/amqp-connection.js';
import { Migration } from '../../src/apply/migrate.js';
import { ManagementClient } from '../../src/live/http.js';
import { atLeast } from '../../src/model/versions.js';
import type { QueueResource } from '../../src/model/types.js';
import { specFile, warrenAt } from '../helpers/cli.js';

const ENABLED = process.env.WARREN_CLUSTER !== '0';
/** The nodes' names, from cluster-start's WARREN_CLUSTER_NODES (each series names its own). */
let nodes: string[] = [];
const node = (i: number): string => nodes[i - 1] ?? `node ${i} (cluster not started)`;
const repo = resolve(import.meta.dirname, '..', '..');
const enc = encodeURIComponent;

function broker(...args: string[]): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn('bash', [resolve(repo, 'scripts', 'broker.sh'), ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`broker.sh ${args.join(' ')} exited ${code}:\n${err}`))));
  });
}

let urls = { management: '', amqp: '' };
/** The cluster's RabbitMQ version (this project has no globalSetup: read from node 2). */
let version = '';
/**
 * Khepri (the metadata store of new 4.2+ clusters) keeps a binding whose queue's node
 * is down and the broker lists it; Mnesia (3.10, 4.0) lists none of that queue's bindings.
 */
const keepsBindingsOfDownQueues = (): boolean => atLeast(version, '4.2.0');
const vhost = `warren-cluster-${process.pid}`;

/** Node i's management URL, credentials left out (they go in a header). */
function mgmtBase(i: number): string {
  const u = new URL(urls.management.split(',')[i - 1] ?? '');
  return `http://${u.host}`;
}

async function api<T>(method: string, path: string, via = 2, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${mgmtBase(via)}${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

function spec(extra: Record<string, unknown> = {}): string {
  return specFile({
    version: 1,
    vhosts: {
      [vhost]: {
        exchanges: { events: { type: 'topic' } },
        queues: {
          classic: { bind: [{ exchange: 'events', routing_key: 'c.#' }] },
          'on-node1': { bind: [{ exchange: 'events', routing_key: 'n1.#' }] },
          'qq-3': { type: 'quorum', arguments: { 'x-quorum-initial-group-size': 3 }, bind: [{ exchange: 'events', routing_key: 'q.#' }] },
          stream: { type: 'stream', arguments: { 'x-max-length-bytes': 10_000_000 } },
          ...extra,
        },
      },
    },
  });
}

async function members(queue: string): Promise<string[]> {
  const q = await api<{ members?: string[] }>('GET', `/api/queues/${enc(vhost)}/${enc(queue)}`);
  expect(q.status).toBe(200);
  return [...(q.body.members ?? [])].sort();
}

describe.skipIf(!ENABLED)('a 3-node cluster', () => {
  beforeAll(async () => {
    const out = await broker('cluster-start');
    const m = /WARREN_CLUSTER_MANAGEMENT_URLS=(\S+)/.exec(out)?.[1];
    const a = /WARREN_CLUSTER_AMQP_URLS=(\S+)/.exec(out)?.[1];
    const n = /WARREN_CLUSTER_NODES=(\S+)/.exec(out)?.[1];
    if (!m || !a || !n) throw new Error(`unexpected output of cluster-start:\n${out}`);
    urls = { management: m, amqp: a };
    nodes = n.split(',');
    version = (await api<{ rabbitmq_version: string }>('GET', '/api/overview')).body.rabbitmq_version;
    await api('PUT', `/api/vhosts/${enc(vhost)}`, 2, {});
    await api('PUT', `/api/permissions/${enc(vhost)}/guest`, 2, { configure: '.*', write: '.*', read: '.*' });
    // A classic queue on node 1, which the failover test stops.
    const placed = await api('PUT', `/api/queues/${enc(vhost)}/on-node1`, 1, { durable: true, node: node(1) });
    expect(placed.status).toBe(201);
  }, 240_000);

  afterAll(async () => {
    await broker('cluster-ctl', '2', 'set_vm_memory_high_watermark', '0.4').catch(() => undefined);
    await api('DELETE', `/api/vhosts/${enc(vhost)}`, 2).catch(() => undefined);
  }, 60_000);

  // The lists reach Warren as flags here, and as WARREN_MANAGEMENT_URL /
  // WARREN_AMQP_URL (rotated, below: flags win over the environment).
  const run = (...args: string[]): ReturnType<typeof warrenAt> => warrenAt(urls, ...args, '--management-url', urls.management, '--amqp-url', urls.amqp);
  /** The lists starting at node 2. */
  const rotated = (list: string): string => {
    const [first, ...rest] = list.split(',');
    return [...rest, first].join(',');
  };

  it('applies with all three nodes up; a quorum queue gets a member on each', async () => {
    // Through node 2 first: a classic queue lives on the node it was declared
    // on, and node 1 is stopped below. (With its node down, a classic queue and
    // its bindings are unavailable, and a plan shows the bindings as missing.)
    const r = await warrenAt({ management: rotated(urls.management), amqp: rotated(urls.amqp) }, 'apply', spec(), '--auto-approve');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('ENDPOINT_UNREACHABLE');
    expect(await members('qq-3')).toEqual([node(1), node(2), node(3)]);
  });

  it('refuses to plan a shovel or a federation upstream while the plugin does not run (these nodes run management only)', async () => {
    const file = specFile(
      [
        'version: 1',
        'vhosts:',
        `  ${vhost}:`,
        '    shovels:',
        "      move: { src-uri: 'amqp://', src-queue: classic, dest-uri: 'amqp://', dest-queue: elsewhere }",
        '    federation_upstreams:',
        "      up: { uri: 'amqp://remote' }",
        '',
      ].join('\n'),
    );
    const r = await run('plan', file);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toContain(`${file}:5:7`);
    expect(r.stderr).toContain('PLUGIN_NOT_ENABLED');
    expect(r.stderr).toContain('rabbitmq-plugins enable rabbitmq_shovel');
    expect(r.stderr).toContain('rabbitmq-plugins enable rabbitmq_federation');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('plans and applies through another node when one is down, reports it, and places new quorum members on live nodes', async () => {
    await broker('cluster-stop-node', '1');
    const t0 = Date.now();
    const plan = await run('plan', spec(), '--detailed-exitcode');
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toContain('ENDPOINT_UNREACHABLE');
    // The classic queue on the stopped node: the broker lists none of its bindings, and the plan
    // says so instead of planning to create them (an apply would fail on them).
    // (4.2+: the broker still lists the bindings, and the plan has nothing to leave alone.)
    expect(plan.stdout).toContain(
      keepsBindingsOfDownQueues()
        ? `QUEUE_UNAVAILABLE: queue "on-node1" in vhost "${vhost}" is unavailable: its node ${node(1)} is down; start the node and plan again`
        : `QUEUE_UNAVAILABLE: queue "on-node1" in vhost "${vhost}" is unavailable: its node ${node(1)} is down; the plan leaves its 1 declared binding alone`,
    );
    // An export would lack its bindings: refused, nothing written.
    const exported = await run('export', '--vhost', vhost);
    expect(exported.code, exported.stdout + exported.stderr).toBe(1);
    expect(exported.stderr).toContain(`QUEUE_UNAVAILABLE: cannot export vhost "${vhost}" completely: queue "on-node1" is unavailable (its node ${node(1)} is down)`);
    expect(exported.stdout).toBe('');
    const down = { management: new URL(mgmtBase(1)).host, amqp: new URL(urls.amqp.split(',')[0] ?? '').host };
    expect(plan.stdout).toContain(`http://guest:****@${down.management}`);

    const applied = await run('apply', spec({ 'qq-2': { type: 'quorum', arguments: { 'x-quorum-initial-group-size': 2 } }, 'qq-new-3': { type: 'quorum', arguments: { 'x-quorum-initial-group-size': 3 } } }), '--auto-approve');
    const out = applied.stdout + applied.stderr;
    expect(applied.code, out).toBe(0);
    expect(out).toContain(`management API endpoint http://guest:****@${down.management}`);
    expect(out).toContain(`AMQP endpoint amqp://guest:****@${down.amqp}`);
    expect(out).not.toContain('guest:guest@');
    // failover costs seconds, not minutes
    expect(Date.now() - t0).toBeLessThan(60_000);

    const live = [node(2), node(3)];
    const two = await members('qq-2');
    expect(two).toEqual(live);
    // Asked for 3 with one of 3 nodes down: RabbitMQ (3.10 and 4.3 alike) still places a
    // member on the down node, which catches up when it returns; the queue is
    // available because a majority of its members is online.
    expect(await members('qq-new-3')).toEqual([node(1), ...live]);
    const q = await api<{ online?: string[] }>('GET', `/api/queues/${enc(vhost)}/qq-new-3`);
    expect([...(q.body.online ?? [])].sort()).toEqual(live);
    const replan = await run('plan', spec({ 'qq-2': { type: 'quorum', arguments: { 'x-quorum-initial-group-size': 2 } }, 'qq-new-3': { type: 'quorum', arguments: { 'x-quorum-initial-group-size': 3 } } }), '--detailed-exitcode');
    expect(replan.code, replan.stdout).toBe(0);
  });

  describe('a memory alarm during a --migrate replacement (publishes blocked cluster-wide)', () => {
    /** Node 2 alone: the queues below live there, and node 1 is down by now. */
    const node2 = (): { management: string; amqp: string } => ({ management: urls.management.split(',')[1] ?? '', amqp: urls.amqp.split(',')[1] ?? '' });
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

    async function alarm(on: boolean): Promise<void> {
      await broker('cluster-ctl', '2', 'set_vm_memory_high_watermark', ...(on ? ['absolute', '1000000'] : ['0.4']));
      for (let i = 0; i < 100; i++) {
        const nodes = await api<{ name: string; mem_alarm?: boolean }[]>('GET', '/api/nodes?columns=name,mem_alarm');
        if (nodes.body.some((n) => n.mem_alarm === true) === on) return;
        await sleep(200);
      }
      throw new Error(`the memory alarm did not turn ${on ? 'on' : 'off'}`);
    }

    /** A classic queue `name` holding `n` messages, applied through Warren. */
    async function filled(name: string, n: number): Promise<void> {
      const r = await warrenAt(node2(), 'apply', spec({ [name]: { bind: [{ exchange: 'events', routing_key: `${name}.#` }] } }), '--auto-approve');
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const conn = await connect(`${node2().amqp}/${enc(vhost)}`);
      const ch = await conn.createConfirmChannel();
      for (let i = 0; i < n; i++) ch.publish('events', `${name}.x`, Buffer.from(`m${i}`), { persistent: true, messageId: `${name}-${i}` });
      await ch.waitForConfirms();
      await conn.close();
    }

    /** Ready messages in a queue (0 when it does not exist), exact: a passive declare, not the statistics. */
    async function ready(queue: string): Promise<number> {
      const conn = await connect(`${node2().amqp}/${enc(vhost)}`);
      conn.on('error', () => undefined);
      try {
        const ch = await conn.createChannel();
        ch.on('error', () => undefined);
        return (await ch.checkQueue(queue)).messageCount;
      } catch {
        return 0; // 404: the channel is closed, the queue does not exist
      } finally {
        await conn.close().catch(() => undefined);
      }
    }

    /**
     * Messages in the queue and in its migration's temporary queues: once
     * they add up to `want`, or to the same count for 2 s (copies the broker
     * held during the alarm arrive after it clears).
     */
    async function held(name: string, want: number): Promise<number> {
      const queues = [name, `${name}.warren-migrate.backlog`, `${name}.warren-migrate.incoming`];
      let total = -1;
      let same = 0;
      for (let i = 0; i < 60 && total !== want && same < 5; i++) {
        if (i > 0) await sleep(400);
        const now = (await Promise.all(queues.map(ready))).reduce((a, b) => a + b, 0);
        same = now === total ? same + 1 : 0;
        total = now;
      }
      return total;
    }

    function migration(name: string, blockedTimeoutMs: number, notes: string[], http: ManagementClient): Migration {
      const after: QueueResource = { kind: 'queue', vhost, name, type: 'classic', durable: true, auto_delete: false, arguments: { 'x-max-length': 100_000 } };
      return new Migration(vhost, after, { http, target: amqpTarget(node2().amqp, vhost), allowDataLoss: false, blockedTimeoutMs, note: (m) => notes.push(m) });
    }

    it('waits while the alarm lasts, says so, and finishes with every message once it clears', async () => {
      await filled('alarmed', 300);
      const http = new ManagementClient(node2().management);
      const notes: string[] = [];
      try {
        await alarm(true);
        const running = migration('alarmed', 60_000, notes, http).run();
        await sleep(3_000);
        await alarm(false);
        const report = await running;
        expect(report.backlog).toBe(300);
      } finally {
        await alarm(false);
        await http.close();
      }
      expect(notes.join('\n')).toMatch(/the broker blocked the migration's publishes for \d+\.\d s \(a resource alarm\); it waited and went on/);
      expect(await held('alarmed', 300)).toBe(300);
      const q = await api<{ arguments: Record<string, unknown> }>('GET', `/api/queues/${enc(vhost)}/alarmed`);
      expect(q.body.arguments).toMatchObject({ 'x-max-length': 100_000 });
    });

    it('`warren test --live` fails at once, saying why, instead of waiting on a blocked publish', async () => {
      const file = specFile({
        version: 1,
        vhosts: { [vhost]: { exchanges: { events: { type: 'topic' } }, queues: { classic: { bind: [{ exchange: 'events', routing_key: 'c.#' }] } } } },
        tests: [{ name: 'c reaches classic', vhost, exchange: 'events', routing_key: 'c.x', expect: ['classic'] }],
      });
      try {
        await alarm(true);
        const t0 = Date.now();
        const r = await warrenAt(node2(), 'test', file, '--live');
        expect(r.code, r.stdout + r.stderr).toBe(1);
        expect(r.stderr).toContain('PROBE_BLOCKED: warren test --live cannot publish: the broker is blocking publishers');
        expect(Date.now() - t0).toBeLessThan(30_000);
      } finally {
        await alarm(false);
      }
      const left = await api<{ name: string }[]>('GET', '/api/vhosts?columns=name');
      expect(left.body.map((v) => v.name).filter((n) => n.startsWith('warren-probe'))).toEqual([]);
      // and once the alarm is gone, the same tests pass on the broker
      const ok = await warrenAt(node2(), 'test', file, '--live');
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    });

    it('stops safely when the alarm outlasts --alarm-timeout, keeping every message; a re-run finishes the migration', async () => {
      await filled('stuck', 300);
      const after = spec({ stuck: { arguments: { 'x-max-length': 100_000 }, bind: [{ exchange: 'events', routing_key: 'stuck.#' }] } });
      try {
        await alarm(true);
        const t0 = Date.now();
        const stopped = await warrenAt(node2(), 'apply', after, '--auto-approve', '--migrate', '--alarm-timeout', '2');
        const out = stopped.stdout + stopped.stderr;
        expect(stopped.code, out).toBe(1);
        expect(out).toMatch(/the broker has blocked publishing for 2 s .*the migration stopped with every message kept.*run apply again: the migration resumes/);
        expect(Date.now() - t0).toBeLessThan(30_000);
        // At least once: the copies of messages in flight (the broker read them
        // before it blocked) arrive when the alarm clears, their originals kept.
        const inFlight = Number(/(\d+) messages? w(?:as|ere) in flight/.exec(out)?.[1] ?? 0);
        await alarm(false);
        const kept = await held('stuck', 300);
        expect(kept).toBeGreaterThanOrEqual(300);
        expect(kept).toBeLessThanOrEqual(300 + inFlight);
        const again = await warrenAt(node2(), 'apply', after, '--auto-approve', '--migrate');
        expect(again.code, again.stdout + again.stderr).toBe(0);
        expect(again.stdout + again.stderr).toContain('finished an interrupted migration');
        expect(await held('stuck', kept)).toBe(kept);
      } finally {
        await alarm(false);
      }
      const rows = await api<{ name: string }[]>('GET', `/api/queues/${enc(vhost)}?columns=name`);
      expect(rows.body.map((r) => r.name).filter((n) => n.includes('warren-migrate'))).toEqual([]);
      expect((await warrenAt(node2(), 'plan', after, '--detailed-exitcode')).code).toBe(0);
    });
  });
});
