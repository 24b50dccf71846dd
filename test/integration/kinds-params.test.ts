/**
 * Runtime parameters (shovels, federation upstreams and sets, global
 * parameters), a whole-broker definitions export as a spec, and the vhost
 * default queue type, against the real broker. Credentials inside URIs must
 * never reach any output.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerAtLeast, freshVhosts, mgmt, testUrls } from '../helpers/broker.js';
import { specFile, warren } from '../helpers/cli.js';
import { applyPlan } from '../../src/apply/execute.js';
import type { PlanDocument } from '../../src/model/plan.js';

const enc = encodeURIComponent;
const users: string[] = [];
const globals: string[] = [];
const unique = (prefix: string): string => `warren-test-${prefix}-${randomBytes(4).toString('hex')}`;
afterAll(async () => {
  for (const u of users) await mgmt('DELETE', `/api/users/${enc(u)}`);
  for (const g of globals) await mgmt('DELETE', `/api/global-parameters/${enc(g)}`);
});
const vhost = freshVhosts();

interface JsonPlan {
  changes: { action: string; kind: string; name: string; vhost: string }[];
}
async function planJson(file: string, ...args: string[]): Promise<{ plan: JsonPlan; raw: string; text: string }> {
  const r = await warren('plan', file, '--format', 'json', ...args);
  expect(r.code, r.stderr).toBe(0);
  const t = await warren('plan', file, ...args);
  return { plan: JSON.parse(r.stdout) as JsonPlan, raw: r.stdout, text: t.stdout + t.stderr };
}
const summary = (p: JsonPlan): string[] => p.changes.map((c) => `${c.action} ${c.kind} ${c.name}`);
async function apply(file: string, ...args: string[]): Promise<string> {
  const r = await warren('apply', file, '--auto-approve', ...args);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return r.stdout + r.stderr;
}
async function inSync(file: string): Promise<void> {
  const r = await warren('plan', file, '--detailed-exitcode');
  expect(r.code, r.stdout + r.stderr).toBe(0);
}
const broker = new URL(testUrls().amqp);

describe('runtime parameters on a real broker', () => {
  it('creates, updates, drifts and prunes shovels and federation upstreams, never printing URI credentials', async () => {
    const v = await vhost('params');
    const secret = `S3cr3t${randomBytes(4).toString('hex')}`;
    const envName = `WARREN_TEST_URI_${randomBytes(3).toString('hex').toUpperCase()}`;
    const envSecret = `E${randomBytes(6).toString('hex')}`;
    process.env[envName] = `amqp://envuser:${envSecret}@${broker.host}`;
    const uri = `amqp://shoveler:${secret}@${broker.host}`;
    const spec = (queue: string): string =>
      specFile({
        version: 1,
        vhosts: {
          [v]: {
            description: 'warren integration test',
            queues: { a: {}, b: {} },
            shovels: { move: { 'src-uri': uri, 'src-queue': 'a', 'dest-uri': { env: envName }, 'dest-queue': queue } },
            federation_upstreams: { up: { uri: [uri, { env: envName }], expires: 3600000 } },
            federation_upstream_sets: { all: [{ upstream: 'up' }] },
          },
        },
      });
    const first = spec('b');
    const { plan, raw, text } = await planJson(first);
    expect(summary(plan)).toEqual(['create queue a', 'create queue b', 'create parameter federation-upstream-set/all', 'create parameter federation-upstream/up', 'create parameter shovel/move']);
    for (const out of [raw, text]) {
      expect(out).not.toContain(secret);
      expect(out).not.toContain(envSecret);
    }
    expect(text).toContain('amqp://shoveler:****@');
    const applied = await apply(first);
    expect(applied).not.toContain(secret);
    await inSync(first);
    const live = await mgmt<{ value: Record<string, unknown> }>('GET', `/api/parameters/shovel/${enc(v)}/move`);
    expect(live.body.value['src-uri']).toBe(uri);
    expect(live.body.value['dest-uri']).toBe(process.env[envName]);

    // update in place
    const second = spec('a');
    const { plan: updated, text: updatedText } = await planJson(second);
    expect(summary(updated)).toEqual(['update parameter shovel/move']);
    expect(updatedText).toContain('~ value.dest-queue: "b" → "a"');
    await apply(second);
    await inSync(second);

    // drift: the password of an upstream URI changed by hand shows as a change, still redacted
    await mgmt('PUT', `/api/parameters/federation-upstream/${enc(v)}/up`, { value: { uri: [`amqp://shoveler:other${secret}@${broker.host}`, process.env[envName]], expires: 3600000 } });
    const { plan: drift, raw: driftRaw, text: driftText } = await planJson(second);
    expect(summary(drift)).toEqual(['update parameter federation-upstream/up']);
    expect(driftRaw + driftText).not.toContain(secret);
    await apply(second);
    await inSync(second);

    // delete with --prune
    const without = specFile({ version: 1, vhosts: { [v]: { description: 'warren integration test', queues: { a: {}, b: {} } } } });
    const { plan: pruned } = await planJson(without, '--prune');
    expect(summary(pruned)).toEqual(['delete parameter federation-upstream-set/all', 'delete parameter federation-upstream/up', 'delete parameter shovel/move']);
    await apply(without, '--prune');
    expect((await mgmt<unknown[]>('GET', `/api/parameters/shovel/${enc(v)}`)).body).toEqual([]);
    delete process.env[envName];
  });

  it('manages global parameters, ignoring the broker own ones', async () => {
    const name = unique('global');
    globals.push(name);
    const spec = (n: number): string => specFile({ version: 1, vhosts: {}, global_parameters: { [name]: { n } } });
    const { plan } = await planJson(spec(1));
    expect(summary(plan)).toEqual([`create global_parameter ${name}`]);
    await apply(spec(1));
    await inSync(spec(1));
    expect(summary((await planJson(spec(2))).plan)).toEqual([`update global_parameter ${name}`]);
    await apply(spec(2));
    await mgmt('PUT', `/api/global-parameters/${enc(name)}`, { value: { n: 3 } });
    expect(summary((await planJson(spec(2))).plan)).toEqual([`update global_parameter ${name}`]);
    // delete: planned with --prune; applied for this parameter only (the broker is shared)
    const none = specFile({ version: 1, vhosts: {}, global_parameters: {} });
    const full = JSON.parse((await warren('plan', none, '--prune', '--format', 'json')).stdout) as PlanDocument;
    const mine = full.changes.filter((c) => c.name === name);
    expect(mine.map((c) => c.action)).toEqual(['delete']);
    expect(full.changes.some((c) => c.name === 'internal_cluster_id')).toBe(false);
    expect((await applyPlan({ ...full, changes: mine }, testUrls(), { allowDataLoss: false })).failed).toBeNull();
    expect((await mgmt('GET', `/api/global-parameters/${enc(name)}`)).status).toBe(404);
  });
});

describe('a definitions export with every kind', () => {
  it('is accepted as a spec; applied under new names it re-plans empty', async () => {
    const v = await vhost('defs-src');
    const u = unique('defs-user');
    users.push(u);
    const put = async (path: string, body: unknown): Promise<void> => {
      const r = await mgmt('PUT', path, body);
      expect(r.ok, `${path}: ${JSON.stringify(r.body)}`).toBe(true);
    };
    const V = enc(v);
    await put(`/api/users/${enc(u)}`, { password: 'pw', tags: 'monitoring' });
    await put(`/api/permissions/${V}/${enc(u)}`, { configure: '^x', write: '.*', read: '.*' });
    await put(`/api/topic-permissions/${V}/${enc(u)}`, { exchange: 'amq.topic', write: '^a', read: '.*' });
    await put(`/api/exchanges/${V}/ex`, { type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} });
    await put(`/api/queues/${V}/q`, { durable: true, auto_delete: false, arguments: { 'x-queue-type': 'quorum' } });
    await mgmt('POST', `/api/bindings/${V}/e/ex/q/q`, { routing_key: 'k.#', arguments: {} });
    await put(`/api/policies/${V}/p`, { pattern: '^q', definition: { 'max-length': 10 }, priority: 1, 'apply-to': 'queues' });
    await put(`/api/operator-policies/${V}/op`, { pattern: '.*', definition: { 'max-length': 100 }, priority: 0, 'apply-to': 'queues' });
    await put(`/api/parameters/shovel/${V}/sh`, { value: { 'src-uri': `amqp://x:secretpw@${broker.host}`, 'src-queue': 'q', 'dest-uri': `amqp://x:secretpw@${broker.host}`, 'dest-queue': 'q2' } });
    await put(`/api/parameters/federation-upstream/${V}/up`, { value: { uri: `amqp://x:secretpw@${broker.host}` } });
    const limits = new URL(testUrls().management);
    const auth = 'Basic ' + Buffer.from(`${decodeURIComponent(limits.username)}:${decodeURIComponent(limits.password)}`).toString('base64');
    for (const [path, value] of [[`/api/vhost-limits/${V}/max-queues`, 50], [`/api/user-limits/${enc(u)}/max-channels`, 20]] as const) {
      const r = await fetch(`${limits.origin}${path}`, { method: 'PUT', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ value }) });
      expect(r.ok).toBe(true);
    }
    const exported = (await mgmt<Record<string, unknown[]>>('GET', '/api/definitions')).body;

    // keep this test's vhost and user, renamed; other state of the shared broker is not ours
    const v2 = vhost.adopt(unique('defs-dst'));
    const u2 = unique('defs-user2');
    users.push(u2);
    const rename = (x: Record<string, unknown>): Record<string, unknown> => ({
      ...x,
      ...(x['vhost'] === v ? { vhost: v2 } : {}),
      ...(x['user'] === u ? { user: u2 } : {}),
      ...(x['name'] === u && 'password_hash' in x ? { name: u2 } : {}),
    });
    const mine = (x: Record<string, unknown>): boolean => x['vhost'] === v || x['user'] === u || (x['name'] === u && 'password_hash' in x);
    const defs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(exported)) {
      if (!Array.isArray(value)) defs[key] = value;
      else if (key === 'vhosts') defs[key] = [{ name: v2 }];
      else if (key === 'global_parameters') defs[key] = value.filter((g) => (g as { name: string }).name === 'internal_cluster_id');
      else defs[key] = (value as Record<string, unknown>[]).filter(mine).map(rename);
    }
    for (const k of ['users', 'permissions', 'topic_permissions', 'policies', 'parameters', 'queues', 'exchanges', 'bindings']) {
      expect((defs[k] as unknown[]).length, k).toBeGreaterThan(0);
    }
    const file = specFile('', 'definitions.json');
    writeFileSync(file, JSON.stringify(defs, null, 2));
    const validated = await warren('validate', file);
    expect(validated.code, validated.stdout + validated.stderr).toBe(0);
    expect(validated.stderr).not.toContain('UNSUPPORTED_KINDS_IGNORED');

    const { plan, raw, text } = await planJson(file);
    expect(raw + text).not.toContain('secretpw');
    expect(new Set(plan.changes.map((c) => c.kind))).toEqual(
      new Set(['vhost', 'user', 'permission', 'topic_permission', 'vhost_limit', 'user_limit', 'exchange', 'queue', 'binding', 'policy', 'operator_policy', 'parameter']),
    );
    await apply(file);
    await inSync(file);
    expect((await mgmt<{ password_hash: string }>('GET', `/api/users/${enc(u2)}`)).body.password_hash).toBe(
      (await mgmt<{ password_hash: string }>('GET', `/api/users/${enc(u)}`)).body.password_hash,
    );
  });
});

describe('vhost default queue type', () => {
  const spec = (v: string, dqt: string, queues: Record<string, unknown> = {}): string => specFile({ version: 1, vhosts: { [v]: { default_queue_type: dqt, queues } } });

  it('is changed in place on RabbitMQ 3.12+; before, an empty vhost is replaced and one that holds queues refused', async () => {
    const v = vhost.adopt(unique('dqt'));
    const inPlace = brokerAtLeast(3, 12);
    await apply(spec(v, 'classic'));
    const { plan } = await planJson(spec(v, 'quorum'));
    expect(summary(plan)).toEqual([`${inPlace ? 'update' : 'replace'} vhost ${v}`]);
    await apply(spec(v, 'quorum'));
    await inSync(spec(v, 'quorum'));
    expect((await mgmt<{ default_queue_type: string }>('GET', `/api/vhosts/${enc(v)}`)).body.default_queue_type).toBe('quorum');

    await apply(spec(v, 'quorum', { q: {} }));
    if (inPlace) {
      // A queue without `type` follows the vhost's default, so it is replaced with it.
      const changed = await planJson(spec(v, 'classic', { q: {} }));
      expect(summary(changed.plan)).toEqual([`update vhost ${v}`, `replace queue q`]);
      expect(changed.raw + changed.text).not.toContain('VHOST_DEFAULT_QUEUE_TYPE_IMMUTABLE');
    } else {
      const refused = await warren('plan', spec(v, 'classic', { q: {} }));
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('VHOST_DEFAULT_QUEUE_TYPE_IMMUTABLE');
      expect(refused.stderr).toContain('1 queue');
    }
  });
});
