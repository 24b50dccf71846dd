import { describe, expect, it } from 'vitest';
import { diff } from '../../../src/diff/diff.js';
import { resourceKey } from '../../../src/model/keys.js';
import type { Desired, Observed, PermissionResource, Resource, TopicPermissionResource, UserResource, VhostResource } from '../../../src/model/types.js';

const vhost: VhostResource = { kind: 'vhost', vhost: 'v', name: 'v', description: '', tags: [], default_queue_type: 'classic' };
const perm = (user: string): PermissionResource => ({ kind: 'permission', vhost: 'v', name: user, configure: '.*', write: '.*', read: '.*' });
const topic = (user: string): TopicPermissionResource => ({ kind: 'topic_permission', vhost: 'v', name: `${user} @ amq.topic`, user, exchange: 'amq.topic', write: '.*', read: '.*' });
const user = (name: string): UserResource => ({ kind: 'user', vhost: '', name, tags: [], password: { kind: 'unmanaged' } });
const map = (...rs: Resource[]): Map<string, Resource> => new Map(rs.map((r) => [resourceKey(r), r]));
const desired = (...rs: Resource[]): Desired => ({ vhosts: ['v'], resources: map(vhost, ...rs) });
const observed = (...rs: Resource[]): Observed => ({ broker: { version: '4.3.6', exchangeTypes: ['topic'] }, vhosts: ['v'], resources: map(vhost, ...rs) });

// Dogfood: `warren export` leaves users out; its permissions, applied to another broker, made the
// apply stop part-way with HTTP 400 vhost_or_user_not_found after the vhosts were created.
describe('grants for users that exist nowhere', () => {
  it('are refused by the plan, one error each', () => {
    const r = diff(desired(perm('ghost'), topic('ghost')), observed(), { prune: false });
    expect(r.warnings.map((d) => [d.code, d.severity])).toEqual([
      ['GRANT_USER_UNKNOWN', 'error'],
      ['GRANT_USER_UNKNOWN', 'error'],
    ]);
    expect(r.warnings[0]?.message).toContain('user "ghost", which the spec does not declare and the broker does not have');
  });

  it('pass when the spec declares the user or the broker has it', () => {
    expect(diff(desired(user('new'), perm('new'), topic('new')), observed(), { prune: false }).warnings).toEqual([]);
    expect(diff(desired(perm('live'), topic('live')), observed(user('live')), { prune: false }).warnings).toEqual([]);
  });
});
