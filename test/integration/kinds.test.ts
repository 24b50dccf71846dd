/**
 * Users, permissions, topic permissions, limits and policies against the real
 * broker: create, update in place, delete (--prune) and drift for each, and
 * no secret in any output. Each test uses its own vhost and unique user names,
 * deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { freshVhosts, mgmt, testUrls } from '../helpers/broker.js';
import { specFile, warren } from '../helpers/cli.js';
import { applyPlan } from '../../src/apply/execute.js';
import type { PlanDocument } from '../../src/model/plan.js';

const enc = encodeURIComponent;
const users: string[] = [];
function user(prefix: string): string {
  const u = `warren-test-${prefix}-${randomBytes(4).toString('hex')}`;
  users.push(u);
  return u;
}
afterAll(async () => {
  for (const u of users) await mgmt('DELETE', `/api/users/${enc(u)}`);
});
const vhost = freshVhosts();

interface JsonPlan {
  changes: { action: string; kind: string; name: string; fields: { field: string; before?: unknown; after?: unknown }[]; matches?: { kind: string; name: string }[] }[];
  unmanaged: { kind: string; name: string; protected?: string }[];
  hazards: { code: string; allowed_by: string }[];
}
async function planJson(file: string, ...args: string[]): Promise<{ plan: JsonPlan; raw: string }> {
  const r = await warren('plan', file, '--format', 'json', ...args);
  expect(r.code, r.stderr).toBe(0);
  return { plan: JSON.parse(r.stdout) as JsonPlan, raw: r.stdout };
}
/** The limits endpoints answer 406 to a request that accepts JSON (verified 3.10.8). */
async function putLimit(path: string, value: number): Promise<Response> {
  const u = new URL(testUrls().management);
  const auth = 'Basic ' + Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
  return fetch(`${u.origin}${path}`, { method: 'PUT', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ value }) });
}
const summary = (p: JsonPlan): string[] => p.changes.map((c) => `${c.action} ${c.kind} ${c.name}`);
async function apply(file: string, ...args: string[]): Promise<void> {
  const r = await warren('apply', file, '--auto-approve', ...args);
  expect(r.code, r.stdout + r.stderr).toBe(0);
}
async function inSync(file: string): Promise<void> {
  const r = await warren('plan', file, '--detailed-exitcode');
  expect(r.code, r.stdout + r.stderr).toBe(0);
}

describe('users, permissions and limits on a real broker', () => {
  it('creates, updates in place, detects drift of and never prints passwords', async () => {
    const v = await vhost('users');
    const app = user('app');
    const envName = `WARREN_TEST_PW_${randomBytes(3).toString('hex').toUpperCase()}`;
    const password = `pw-${randomBytes(6).toString('hex')}`;
    process.env[envName] = password;
    const spec = (perm: string, tags: string[], limit: number): string =>
      specFile({
        version: 1,
        users: { [app]: { tags, password: { env: envName }, limits: { 'max-connections': limit } } },
        vhosts: {
          [v]: {
            description: 'warren integration test',
            limits: { 'max-queues': 10 },
            permissions: { [app]: { configure: perm, write: perm, read: '.*' } },
            topic_permissions: { [app]: { 'amq.topic': { write: '^app\\.', read: '.*' } } },
          },
        },
      });
    const first = spec('^app\\.', ['monitoring'], 5);
    const { plan: created, raw } = await planJson(first);
    expect(summary(created)).toEqual([
      `create user ${app}`,
      `create permission ${app}`,
      `create user_limit ${app}/max-connections`,
      'create vhost_limit max-queues',
      // after the exchanges it names (4.3 refuses it before them)
      `create topic_permission ${app} @ amq.topic`,
    ]);
    expect(raw).not.toContain(password);
    await apply(first);
    await inSync(first);
    // the broker has the password: authenticate with it
    const auth = await fetch(`${new URL(testUrls().management).origin}/api/whoami`, {
      headers: { authorization: 'Basic ' + Buffer.from(`${app}:${password}`).toString('base64') },
    });
    expect(auth.status).toBe(200);
    const live = await mgmt<{ password_hash: string }>('GET', `/api/users/${enc(app)}`);

    // narrowing update, in place, no hazard
    const narrower = spec('^app\\.orders\\.', ['monitoring'], 7);
    const { plan: narrowed } = await planJson(narrower);
    expect(summary(narrowed)).toEqual([`update permission ${app}`, `update user_limit ${app}/max-connections`]);
    expect(narrowed.hazards).toEqual([]);
    await apply(narrower);
    await inSync(narrower);

    // broadening needs its own flag
    const broader = spec('.*', ['monitoring', 'policymaker'], 7);
    const { plan: broadened } = await planJson(broader);
    expect(broadened.hazards.map((h) => `${h.code} ${h.allowed_by}`)).toEqual([
      'PERMISSION_BROADENED --allow-broadened-permissions',
      'PERMISSION_BROADENED --allow-broadened-permissions',
    ]);
    const refused = await warren('apply', broader, '--auto-approve');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--allow-broadened-permissions');
    await apply(broader, '--allow-broadened-permissions');
    await inSync(broader);
    // a tags-only update kept the password
    expect((await mgmt<{ password_hash: string }>('GET', `/api/users/${enc(app)}`)).body.password_hash).toBe(live.body.password_hash);

    // drift behind Warren's back: password, permission, topic permission, limits
    expect((await mgmt('PUT', `/api/users/${enc(app)}`, { password: 'changed-by-hand', tags: 'monitoring,policymaker' })).ok).toBe(true);
    expect((await mgmt('PUT', `/api/permissions/${enc(v)}/${enc(app)}`, { configure: '', write: '', read: '' })).ok).toBe(true);
    expect((await putLimit(`/api/vhost-limits/${enc(v)}/max-queues`, 99)).ok).toBe(true);
    const { plan: drift, raw: driftRaw } = await planJson(broader);
    expect(summary(drift)).toEqual([`update user ${app}`, `update permission ${app}`, 'update vhost_limit max-queues']);
    expect(drift.changes[0]?.fields).toEqual([{ field: 'password', forces_replacement: false, before: '(sensitive)', after: { env: envName } }]);
    const text = await warren('plan', broader);
    for (const out of [driftRaw, text.stdout]) {
      expect(out).not.toContain(password);
      expect(out).not.toContain('changed-by-hand');
      expect(out).not.toContain(live.body.password_hash);
    }
    expect(text.stdout).toContain('~ password: "(sensitive)" → {"env":"' + envName + '"}');
    // restoring what was narrowed by hand widens it again
    expect(drift.hazards.map((h) => h.code)).toEqual(['PERMISSION_BROADENED']);
    await apply(broader, '--allow-broadened-permissions');
    await inSync(broader);

    // delete with --prune: limits, topic permission and permission leave with the spec
    const bare = specFile({ version: 1, users: { [app]: { tags: ['monitoring', 'policymaker'], password: { env: envName } } }, vhosts: { [v]: { description: 'warren integration test' } } });
    const { plan: unmanaged } = await planJson(bare);
    expect(unmanaged.changes).toEqual([]);
    expect(unmanaged.unmanaged.map((u) => `${u.kind} ${u.name}`)).toEqual(
      expect.arrayContaining([`permission ${app}`, `topic_permission ${app} @ amq.topic`, 'vhost_limit max-queues', `user_limit ${app}/max-connections`]),
    );
    // guest (Warren's own user) is listed but never pruned
    expect(unmanaged.unmanaged).toContainEqual(expect.objectContaining({ kind: 'user', name: 'guest', protected: 'Warren connects as this user' }));
    expect(unmanaged.unmanaged.some((u) => u.kind === "permission" && u.name === "guest")).toBe(false);
    const { plan: pruned } = await planJson(bare, '--prune');
    const mine = pruned.changes.filter((c) => c.name.includes(app) || c.kind === 'vhost_limit');
    expect(mine.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual([
      // before the exchanges it names go
      `delete topic_permission ${app} @ amq.topic`,
      `delete user_limit ${app}/max-connections`,
      'delete vhost_limit max-queues',
      `delete permission ${app}`,
    ]);
    expect(pruned.changes.some((c) => c.name === 'guest')).toBe(false);
    expect(pruned.hazards.map((h) => h.code)).toContain('PERMISSION_BROADENED'); // lifting a topic restriction
    // Apply only this test's deletes: other users on the shared broker are not ours to prune.
    const full = JSON.parse((await warren('plan', bare, '--prune', '--format', 'json')).stdout) as PlanDocument;
    const ours = { ...full, changes: full.changes.filter((c) => c.name.includes(app) || (c.kind === 'vhost_limit' && c.vhost === v)) };
    const result = await applyPlan(ours, testUrls(), { allowDataLoss: false });
    expect(result.failed).toBeNull();
    expect((await mgmt<unknown[]>('GET', `/api/permissions/${enc(v)}/${enc(app)}`)).status).toBe(404);
    expect((await mgmt<unknown[]>('GET', `/api/topic-permissions/${enc(v)}/${enc(app)}`)).status).toBe(404);
    expect((await mgmt<unknown[]>('GET', `/api/vhost-limits/${enc(v)}`)).body).toEqual([]);
    // and the user itself
    const del = { ...full, changes: [{ ...full.changes[0]!, action: 'delete' as const, kind: 'user' as const, name: app, phase: 'delete-users' as const, key: JSON.stringify(['user', '', app]), before: { kind: 'user' as const, vhost: '', name: app, tags: [], password: { kind: 'none' as const } }, fields: [], reasons: [] }] };
    expect((await applyPlan(del, testUrls(), { allowDataLoss: false })).failed).toBeNull();
    expect((await mgmt('GET', `/api/users/${enc(app)}`)).status).toBe(404);
    delete process.env[envName];
  });

  it('manages passwordless users and users given by password_hash', async () => {
    const a = user('hash');
    const b = user('nopw');
    const hash = 'rFs1fW92NRHQvutEplujao+K/++d6XNY74sh+66UOq/gqhX2'; // "s3cret", made by the broker
    const spec = specFile({ version: 1, users: { [a]: { password_hash: hash }, [b]: { password_hash: '', tags: ['monitoring'] } }, vhosts: {} });
    const { raw } = await planJson(spec);
    expect(raw).not.toContain(hash);
    await apply(spec);
    await inSync(spec);
    expect((await mgmt<{ password_hash: string }>('GET', `/api/users/${enc(a)}`)).body.password_hash).toBe(hash);
    expect((await mgmt<{ password_hash: string }>('GET', `/api/users/${enc(b)}`)).body.password_hash).toBe('');
    // drift: b gets a password behind Warren's back
    await mgmt('PUT', `/api/users/${enc(b)}`, { password: 'oops', tags: 'monitoring' });
    const { plan } = await planJson(spec);
    expect(summary(plan)).toEqual([`update user ${b}`]);
    expect(plan.changes[0]?.fields[0]).toMatchObject({ field: 'password', before: '(sensitive)', after: '(none)' });
    await apply(spec);
    await inSync(spec);
  });
});

describe('policies on a real broker', () => {
  it('creates and updates policies in place, shows what they match, prunes and detects drift', async () => {
    const v = await vhost('policies');
    const spec = (maxLength: number, pattern: string): string =>
      specFile({
        version: 1,
        vhosts: {
          [v]: {
            exchanges: { 'orders.x': { type: 'topic' } },
            queues: { 'orders.q': {}, 'orders.qq': { type: 'quorum' }, other: {} },
            policies: {
              limit: { pattern, 'apply-to': 'queues', priority: 1, definition: { 'max-length': maxLength, 'queue-mode': 'lazy' } },
              ae: { pattern: '^orders', 'apply-to': 'exchanges', definition: { 'alternate-exchange': 'amq.fanout' } },
            },
            operator_policies: { cap: { pattern: '.*', 'apply-to': 'queues', definition: { 'max-length': 1000 } } },
          },
        },
      });
    const first = spec(10, '^orders');
    const { plan } = await planJson(first);
    const limit = plan.changes.find((c) => c.kind === 'policy' && c.name === 'limit');
    // queue-mode is not a quorum key: the policy does not apply to the quorum queue at all
    expect(limit?.matches).toEqual([{ kind: 'queue', name: 'orders.q' }]);
    expect(plan.changes.find((c) => c.name === 'ae')?.matches).toEqual([{ kind: 'exchange', name: 'orders.x' }]);
    expect(plan.changes.find((c) => c.name === 'cap')?.matches?.map((m) => m.name)).toEqual(['orders.q', 'orders.qq', 'other']);
    const text = await warren('plan', first);
    expect(text.stdout).toContain('applies to 1:');
    expect(text.stdout).toContain('queue "orders.q"');
    await apply(first);
    await inSync(first);

    const second = spec(20, '^(orders|other)');
    const { plan: updated } = await planJson(second);
    expect(summary(updated)).toEqual(['update policy limit']);
    expect(updated.changes[0]?.matches?.map((m) => m.name)).toEqual(['orders.q', 'other']);
    await apply(second);
    await inSync(second);
    const live = await mgmt<{ definition: Record<string, unknown> }>('GET', `/api/policies/${enc(v)}/limit`);
    expect(live.body.definition['max-length']).toBe(20);

    // drift
    await mgmt('PUT', `/api/operator-policies/${enc(v)}/cap`, { pattern: '.*', 'apply-to': 'queues', definition: { 'max-length': 5 }, priority: 0 });
    await mgmt('PUT', `/api/policies/${enc(v)}/extra`, { pattern: 'zzz', definition: { 'message-ttl': 1 } });
    const { plan: drift } = await planJson(second);
    expect(summary(drift)).toEqual(['update operator_policy cap']);
    const { plan: prune } = await planJson(second, '--prune');
    expect(summary(prune)).toEqual(['update operator_policy cap', 'delete policy extra']);
    await apply(second, '--prune');
    await inSync(second);
    expect((await mgmt('GET', `/api/policies/${enc(v)}/extra`)).status).toBe(404);
  });
});
