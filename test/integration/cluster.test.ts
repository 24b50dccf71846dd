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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specFile, warrenAt } from '../helpers/cli.js';

const ENABLED = process.env.WARREN_CLUSTER !== '0';
const prefix = process.env.WARREN_CLUSTER_NODE_PREFIX ?? 'warren-c';
const node = (i: number): string => `${prefix}${i}@localhost`;
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
    if (!m || !a) throw new Error(`unexpected output of cluster-start:\n${out}`);
    urls = { management: m, amqp: a };
    await api('PUT', `/api/vhosts/${enc(vhost)}`, 2, {});
    await api('PUT', `/api/permissions/${enc(vhost)}/guest`, 2, { configure: '.*', write: '.*', read: '.*' });
  }, 240_000);

  afterAll(async () => {
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
    // Asked for 3 with one of 3 nodes down: RabbitMQ (3.10) still places a
    // member on the down node, which catches up when it returns; the queue is
    // available because a majority of its members is online.
    expect(await members('qq-new-3')).toEqual([node(1), ...live]);
    const q = await api<{ online?: string[] }>('GET', `/api/queues/${enc(vhost)}/qq-new-3`);
    expect([...(q.body.online ?? [])].sort()).toEqual(live);
    const replan = await run('plan', spec({ 'qq-2': { type: 'quorum', arguments: { 'x-quorum-initial-group-size': 2 } }, 'qq-new-3': { type: 'quorum', arguments: { 'x-quorum-initial-group-size': 3 } } }), '--detailed-exitcode');
    expect(replan.code, replan.stdout).toBe(0);
  });
});
