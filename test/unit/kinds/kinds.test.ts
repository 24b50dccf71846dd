import { describe, expect, it } from 'vitest';
import { diff } from '../../../src/diff/diff.js';
import { normalizeVhosts } from '../../../src/live/normalize.js';
import {
  normalizeGlobalParameters,
  normalizeParameters,
  normalizePolicies,
  normalizeUserLimits,
  normalizeUsers,
  normalizeVhostLimits,
} from '../../../src/live/normalize-kinds.js';
import { resourceKey } from '../../../src/model/keys.js';
import type { Desired, Observed, PolicyResource, QueueResource, Resource, VhostResource } from '../../../src/model/types.js';
import { atLeast, supports } from '../../../src/model/versions.js';
import { buildPlan } from '../../../src/plan/plan.js';
import { policyMatches } from '../../../src/plan/policy-matches.js';
import { renderPlanJson } from '../../../src/render/plan-json.js';
import { renderPlanText } from '../../../src/render/plan-text.js';
import { checkAgainstBroker, parseSpecText } from '../../../src/spec/index.js';
import { loadSpecTexts } from '../../../src/spec/load-texts.js';
import { Sensitive } from '../../../src/util/sensitive.js';

const map = (...rs: Resource[]): Map<string, Resource> => new Map(rs.map((r) => [resourceKey(r), r]));
const vhost = (name: string, over: Partial<VhostResource> = {}): VhostResource => ({ kind: 'vhost', vhost: name, name, description: '', tags: [], default_queue_type: 'classic', ...over });
const queue = (name: string, type: QueueResource['type'] = 'classic'): QueueResource => ({ kind: 'queue', vhost: 'v', name, type, durable: true, auto_delete: false, arguments: {} });
const policy = (name: string, over: Partial<PolicyResource> = {}): PolicyResource => ({
  kind: 'policy', vhost: 'v', name, pattern: '.*', apply_to: 'all', priority: 0, definition: {}, ...over,
});
const observed = (version: string, ...rs: Resource[]): Observed => ({ broker: { version, exchangeTypes: [] }, vhosts: ['v'], resources: map(vhost('v'), ...rs) });
const desired = (...rs: Resource[]): Desired => ({ vhosts: ['v'], resources: map(vhost('v'), ...rs), globalKinds: ['user', 'user_limit', 'global_parameter'] });

describe('policy matches', () => {
  const state = map(queue('orders.a'), queue('orders.q', 'quorum'), queue('other'), { kind: 'exchange', vhost: 'v', name: 'orders.x', type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} });
  it('is unanchored and honours apply-to', () => {
    expect(policyMatches(policy('p', { pattern: 'ders', apply_to: 'queues' }), state).map((m) => m.name)).toEqual(['orders.a', 'orders.q']);
    expect(policyMatches(policy('p', { pattern: 'ders', apply_to: 'exchanges' }), state).map((m) => m.name)).toEqual(['orders.x']);
    expect(policyMatches(policy('p', { pattern: '^orders', apply_to: 'quorum_queues' }), state).map((m) => m.name)).toEqual(['orders.q']);
  });
  it('skips queues whose type does not support a key of the policy', () => {
    expect(policyMatches(policy('p', { pattern: '^orders', apply_to: 'queues', definition: { 'queue-mode': 'lazy' } }), state).map((m) => m.name)).toEqual(['orders.a']);
    expect(policyMatches(policy('p', { pattern: '^orders', apply_to: 'queues', definition: { 'delivery-limit': 3 } }), state).map((m) => m.name)).toEqual(['orders.q']);
  });
  it('gives each queue to the highest priority policy only', () => {
    const withRival = new Map(state);
    const rival = policy('high', { pattern: '^orders\\.a', priority: 5 });
    withRival.set(resourceKey(rival), rival);
    expect(policyMatches(policy('p', { pattern: '^orders', apply_to: 'queues' }), withRival).map((m) => m.name)).toEqual(['orders.q']);
  });
  it('is attached to policy changes in the plan, from the state after apply', () => {
    const p = policy('p', { pattern: '^new' });
    const result = diff(desired(p, queue('new-q')), observed('3.10.8'), { prune: false });
    const plan = buildPlan(result, { warrenVersion: 't', brokerVersion: '3.10.8', vhosts: ['v'], prune: false, live: new Map() });
    expect(plan.changes.find((c) => c.kind === 'policy')?.matches).toEqual([{ kind: 'queue', name: 'new-q' }]);
    expect(plan.changes.map((c) => c.phase)).toEqual(['queues', 'policies']);
  });
});

describe('diff of the new kinds', () => {
  it('updates a changed policy or permission in place, never replaces it', () => {
    const perm = { kind: 'permission' as const, vhost: 'v', name: 'app', configure: '^a', write: '^a', read: '^a' };
    const r = diff(desired(policy('p', { priority: 2 }), { ...perm, read: '.*' }), observed('3.10.8', policy('p'), perm), { prune: false });
    expect(r.changes.map((c) => `${c.action} ${c.kind}`)).toEqual(['update policy', 'update permission']);
    const plan = buildPlan(r, { warrenVersion: 't', brokerVersion: '3.10.8', vhosts: ['v'], prune: false });
    expect(plan.hazards.map((h) => [h.code, h.allowed_by])).toEqual([['PERMISSION_BROADENED', '--allow-broadened-permissions']]);
  });

  it('refuses a default queue type change of a vhost with queues on 3.10, replaces an empty one, updates on 3.12', () => {
    const want = desired(vhost('v', { default_queue_type: 'quorum' }));
    const full = diff(want, observed('3.10.8', queue('q')), { prune: false });
    expect(full.changes).toEqual([]);
    expect(full.warnings.map((w) => [w.code, w.severity])).toEqual([['VHOST_DEFAULT_QUEUE_TYPE_IMMUTABLE', 'error']]);
    expect(diff(want, observed('3.10.8'), { prune: false }).changes.map((c) => c.action)).toEqual(['replace']);
    expect(diff(want, observed('3.12.1', queue('q')), { prune: false }).changes.map((c) => c.action)).toEqual(['update']);
  });

  it('keeps users out of scope without a users section, and never prunes protected users', () => {
    const guest = { kind: 'user' as const, vhost: '', name: 'guest', tags: ['administrator'], password: { kind: 'none' as const } };
    const other = { ...guest, name: 'other' };
    const noUsers: Desired = { vhosts: ['v'], resources: map(vhost('v')) };
    expect(diff(noUsers, observed('3.10.8', guest, other), { prune: true }).changes).toEqual([]);
    const r = diff(desired(), observed('3.10.8', guest, other), { prune: true, protectedUsers: ['guest'] });
    expect(r.changes.map((c) => `${c.action} ${c.name}`)).toEqual(['delete other']);
    expect(r.unmanaged).toMatchObject([{ name: 'guest', protected: 'Warren connects as this user' }]);
  });
});

describe('secrets never leave the process', () => {
  const hash = 'rFs1fW92NRHQvutEplujao+K/++d6XNY74sh+66UOq/gqhX2';
  it('shows hashes, env passwords and URI credentials only redacted, in text and JSON', () => {
    const spec = parseSpecText(
      JSON.stringify({
        version: 1,
        users: { app: { password_hash: hash } },
        vhosts: { v: { shovels: { s: { 'src-uri': 'amqp://u:topsecret@h', 'src-queue': 'a', 'dest-uri': 'amqp://h', 'dest-queue': 'b' } } } },
      }),
      'spec.yaml',
    );
    expect(spec.diagnostics).toEqual([]);
    const liveUser = { kind: 'user' as const, vhost: '', name: 'app', tags: [], password: { kind: 'hash' as const, hash: new Sensitive('OTHERHASH'), algorithm: 'rabbit_password_hashing_sha256' } };
    const r = diff(spec.desired as Desired, observed('3.10.8', liveUser), { prune: false });
    const plan = buildPlan(r, { warrenVersion: 't', brokerVersion: '3.10.8', vhosts: ['v'], prune: false });
    const outputs = [renderPlanText(plan), renderPlanJson(plan), JSON.stringify(r), String(plan.changes.map((c) => c.after))];
    for (const out of outputs) {
      expect(out).not.toContain(hash);
      expect(out).not.toContain('OTHERHASH');
      expect(out).not.toContain('topsecret');
    }
    expect(renderPlanText(plan)).toContain('amqp://u:****@h');
    expect(renderPlanText(plan)).toContain('~ password: "(sensitive)" → "(sensitive)"');
  });

  it('accepts a plain-text password with a warning saying how to avoid it, never repeating it', () => {
    const r = parseSpecText('version: 1\nusers:\n  app:\n    password: hunter2\nvhosts: {}\n', 'spec.yaml');
    expect(r.diagnostics).toMatchObject([{ code: 'PLAIN_TEXT_PASSWORD', severity: 'warning', line: 4, column: 15 }]);
    expect(r.diagnostics[0]?.message).toContain('password: { env: APP_PASSWORD }');
    const user = [...(r.desired?.resources.values() ?? [])].find((x) => x.kind === 'user');
    expect(user?.kind === 'user' && user.password.kind).toBe('plain');
    expect(JSON.stringify(r)).not.toContain('hunter2');
  });

  it('resolves env references when loaded with variables, and reports unset ones', () => {
    const text = 'version: 1\nusers:\n  app:\n    password: { env: APP_PW }\nvhosts: {}\n';
    const unset = loadSpecTexts([{ file: 's.yaml', text }], { variables: {} });
    expect(unset.diagnostics.map((d) => d.code)).toEqual(['SECRET_ENV_UNSET']);
    const set = loadSpecTexts([{ file: 's.yaml', text }], { variables: { APP_PW: 's3cret' } });
    const app = [...(set.desired?.resources.values() ?? [])].find((x) => x.kind === 'user');
    expect(JSON.stringify(app)).not.toContain('s3cret');
    // s3cret is what the broker hashed into `hash`: no drift
    const live = { kind: 'user' as const, vhost: '', name: 'app', tags: [], password: { kind: 'hash' as const, hash: new Sensitive(hash), algorithm: 'rabbit_password_hashing_sha256' } };
    expect(diff(set.desired as Desired, { ...observed('3.10.8', live), vhosts: [] }, { prune: false }).changes).toEqual([]);
  });
});

describe('live normalization, 3.10 and 4.x shapes', () => {
  it('reads 4.x vhosts (metadata, default_queue_type) like 3.10 ones', () => {
    const v4 = [{ name: 'a', description: 'd', tags: ['t'], default_queue_type: 'quorum', metadata: { description: 'd', tags: ['t'], default_queue_type: 'quorum' }, protected_from_deletion: false }];
    const v4metaOnly = [{ name: 'b', metadata: { description: 'm', tags: [], default_queue_type: 'stream' } }];
    const v310 = [{ name: 'c', description: '', tags: [], default_queue_type: 'undefined', metadata: { description: '', tags: [] } }];
    expect(normalizeVhosts([...v4, ...v4metaOnly, ...v310], ['a', 'b', 'c']).map((v) => [v.name, v.description, v.default_queue_type])).toEqual([
      ['a', 'd', 'quorum'],
      ['b', 'm', 'stream'],
      ['c', '', 'classic'],
    ]);
  });

  it('reads users, limits, policies and parameters, skipping what is read elsewhere or implicit', () => {
    const users = normalizeUsers([
      { name: 'a', password_hash: 'abc', hashing_algorithm: 'rabbit_password_hashing_sha512', tags: ['management', 'monitoring'], limits: {} },
      { name: 'b', password_hash: '', hashing_algorithm: 'rabbit_password_hashing_sha256', tags: 'administrator' },
    ]);
    expect(users.map((u) => [u.name, u.password.kind, u.tags])).toEqual([
      ['a', 'hash', ['management', 'monitoring']],
      ['b', 'none', ['administrator']],
    ]);
    expect(JSON.stringify(users)).not.toContain('abc');
    const vs = new Set(['v']);
    const params = normalizeParameters(
      [
        { vhost: 'v', component: 'shovel', name: 's', value: { 'src-uri': 'amqp://u:p@h' } },
        { vhost: 'v', component: 'vhost-limits', name: 'limits', value: { 'max-queues': 1 } },
        { vhost: 'v', component: 'operator_policy', name: 'op', value: {} },
        { vhost: 'other', component: 'shovel', name: 's2', value: {} },
      ],
      vs,
    );
    expect(params.map((p) => p.name)).toEqual(['shovel/s']);
    expect(JSON.stringify(params)).toContain('amqp://u:****@h');
    expect(normalizeGlobalParameters([{ name: 'internal_cluster_id', value: 'x' }, { name: 'cluster_name', value: 'n' }, { name: 'g', value: 1 }]).map((g) => g.name)).toEqual(['cluster_name', 'g']);
    expect(normalizeVhostLimits([{ vhost: 'v', value: { 'max-queues': 5, 'max-connections': -1 } }], vs).map((l) => `${l.name}=${l.value}`)).toEqual(['max-queues=5']);
    expect(normalizeUserLimits([{ user: 'a', value: { 'max-channels': 3 } }]).map((l) => l.name)).toEqual(['a/max-channels']);
    // 3.10 lists a vhost whose last limit was deleted with an empty proplist: no limits
    expect(normalizeVhostLimits([{ vhost: 'v', value: [] }], vs)).toEqual([]);
    expect(() => normalizeVhostLimits([{ vhost: 'v', value: [1] }], vs)).toThrow(/no object 'value'/);
    expect(normalizePolicies([{ vhost: 'v', name: 'p', pattern: '.*', 'apply-to': 'quorum_queues', definition: { 'delivery-limit': 20 }, priority: 3 }], vs, 'policy')).toMatchObject([
      { kind: 'policy', apply_to: 'quorum_queues', priority: 3, definition: { 'delivery-limit': 20 } },
    ]);
  });
});

describe('broker versions', () => {
  it('compares versions and answers features from the table', () => {
    expect(atLeast('3.10.8', '3.12.0')).toBe(false);
    expect(atLeast('4.0.2', '3.12.0')).toBe(true);
    expect(atLeast('3.12.0-rc.1', '3.12.0')).toBe(true);
    expect(supports('3.11.20', 'vhost_default_queue_type_update')).toBe(false);
    expect(supports('4.1.0', 'local_random_exchange')).toBe(true);
  });

  it('rejects ha-* policy keys on 4.x naming the version, but not on 3.x', () => {
    const spec = parseSpecText(
      JSON.stringify({ version: 1, vhosts: { v: { policies: { ha: { pattern: '.*', definition: { 'ha-mode': 'all' } } }, operator_policies: { op: { pattern: '.*', definition: { 'dead-letter-exchange': 'x' } } } } } }),
      'spec.yaml',
    );
    const d = spec.desired as Desired;
    const on4 = checkAgainstBroker(d, { version: '4.0.5', exchangeTypes: [] });
    expect(on4.map((x) => x.code)).toEqual(['DEPRECATED_FEATURE_REMOVED', 'OPERATOR_POLICY_KEY_NOT_ALLOWED']);
    expect(on4[0]?.message).toContain('RabbitMQ 4.0.5');
    expect(on4[0]?.message).toContain('`classic_queue_mirroring`');
    expect(checkAgainstBroker(d, { version: '3.10.8', exchangeTypes: [] }).map((x) => x.code)).toEqual(['OPERATOR_POLICY_KEY_NOT_ALLOWED']);
  });

  it('warns of transient classic queues on 4.3 (permitted by default) and refuses queue-type apply-to before 3.12', () => {
    const spec = parseSpecText(
      JSON.stringify({ version: 1, vhosts: { v: { queues: { t: { durable: false } }, policies: { p: { pattern: '.*', 'apply-to': 'streams', definition: { 'max-age': '1D' } } } } } }),
      'spec.yaml',
    );
    const d = spec.desired as Desired;
    expect(checkAgainstBroker(d, { version: '4.3.0', exchangeTypes: [] }).map((x) => [x.code, x.severity])).toEqual([['DEPRECATED_FEATURE_USED', 'warning']]);
    expect(checkAgainstBroker(d, { version: '3.11.4', exchangeTypes: [] }).map((x) => x.code)).toEqual(['POLICY_APPLY_TO_UNSUPPORTED']);
  });
});
