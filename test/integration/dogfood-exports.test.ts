/**
 * What a round trip of real 4.x and 3.10 exports through Warren turned up (dogfood):
 * - a grant (permission, topic permission) for a user that exists nowhere made apply stop
 *   part-way, after the vhost was created (HTTP 400 vhost_or_user_not_found): the plan now
 *   refuses it before anything changes;
 * - a shovel's `ack-mode` outside no-ack/on-publish/on-confirm passed the plan and failed at apply;
 * - a definitions file with another password for the user Warren connects as locked the apply
 *   out after that user's update (401 on the next step): the plan now refuses it;
 * - a stream's `x-stream-filter-size-bytes` (3.13+) was an unknown argument: 4.3 takes it on a
 *   stream, 3.10 keeps it (and ignores it); either way the queue re-plans empty.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { brokerAtLeast, freshVhosts, mgmt, testUrls } from '../helpers/broker.js';
import { specFile, warren, warrenAt } from '../helpers/cli.js';

const vhosts = freshVhosts();
const users: string[] = [];
afterAll(async () => {
  for (const u of users) await mgmt('DELETE', `/api/users/${encodeURIComponent(u)}`);
});
const unique = (prefix: string): string => `warren-test-${prefix}-${randomBytes(4).toString('hex')}`;

describe('dogfood findings on the real broker', () => {
  it('refuses a grant for a user that exists nowhere, before creating anything', async () => {
    const v = vhosts.adopt(unique('ghost-grant'));
    const ghost = unique('ghost-user');
    const file = specFile({
      version: 1,
      vhosts: {
        [v]: {
          exchanges: { orders: { type: 'topic' } },
          permissions: { [ghost]: { configure: '.*', write: '.*', read: '.*' } },
          topic_permissions: { [ghost]: { orders: { write: '.*', read: '.*' } } },
        },
      },
    });
    const applied = await warren('apply', file, '--auto-approve');
    expect(applied.code).toBe(1);
    expect(applied.stderr.match(/GRANT_USER_UNKNOWN/g)).toHaveLength(2);
    expect(applied.stderr).toContain(`user "${ghost}", which the spec does not declare and the broker does not have`);
    expect((await mgmt('GET', `/api/vhosts/${encodeURIComponent(v)}`)).status).toBe(404);
  });

  it('refuses a shovel ack-mode the broker would refuse, before creating anything (3.10 and 4.3 both answer 400)', async () => {
    const v = vhosts.adopt(unique('shovel-ack'));
    const file = specFile({
      version: 1,
      vhosts: { [v]: { queues: { a: {}, b: {} }, shovels: { s: { 'src-uri': 'amqp://', 'src-queue': 'a', 'dest-uri': 'amqp://', 'dest-queue': 'b', 'ack-mode': 'bogus' } } } },
    });
    const applied = await warren('apply', file, '--auto-approve');
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('INVALID_PARAMETER_VALUE');
    expect((await mgmt('GET', `/api/vhosts/${encodeURIComponent(v)}`)).status).toBe(404);
    // The broker's own answer to it, on this version: what the check stands in for.
    const probe = vhosts.adopt(unique('shovel-ack-probe'));
    expect((await mgmt('PUT', `/api/vhosts/${encodeURIComponent(probe)}`, {})).ok).toBe(true);
    const refused = await mgmt('PUT', `/api/parameters/shovel/${encodeURIComponent(probe)}/s`, { value: { 'src-uri': 'amqp://', 'src-queue': 'a', 'dest-uri': 'amqp://', 'dest-queue': 'b', 'ack-mode': 'bogus' } });
    expect(refused.status).toBe(400);
  });

  it('refuses to change the password of the user it connects as, before changing anything', async () => {
    const admin = unique('self');
    users.push(admin);
    expect((await mgmt('PUT', `/api/users/${admin}`, { password: 'self-pw', tags: 'administrator' })).ok).toBe(true);
    expect((await mgmt('PUT', `/api/permissions/%2F/${admin}`, { configure: '.*', write: '.*', read: '.*' })).ok).toBe(true);
    const asAdmin = (url: string): string => {
      const u = new URL(url);
      u.username = admin;
      u.password = 'self-pw';
      return u.toString();
    };
    const base = testUrls();
    const urls = { ...base, management: asAdmin(base.management), amqp: asAdmin(base.amqp) };
    const v = vhosts.adopt(unique('self-lockout'));
    const spec = (password: string): string =>
      specFile({ version: 1, users: { [admin]: { tags: ['administrator'], password } }, vhosts: { [v]: { permissions: { [admin]: { configure: '.*', write: '.*', read: '.*' } } } } });
    const refused = await warrenAt(urls, 'apply', spec('another-pw'), '--auto-approve');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('CONNECTED_USER_LOCKOUT');
    expect(refused.stderr + refused.stdout).not.toContain('another-pw');
    expect((await mgmt('GET', `/api/vhosts/${encodeURIComponent(v)}`)).status).toBe(404);
    // The same password (hashed by the broker with a new salt) is no lockout.
    const same = await warrenAt(urls, 'apply', spec('self-pw'), '--auto-approve');
    expect(same.code).toBe(0);
    expect((await warrenAt(urls, 'plan', spec('self-pw'), '--detailed-exitcode')).code).toBe(0);
  });

  it('applies a stream with x-stream-filter-size-bytes and re-plans empty, on every version', async () => {
    const v = vhosts.adopt(unique('filter-size'));
    const file = specFile({ version: 1, vhosts: { [v]: { queues: { clicks: { type: 'stream', arguments: { 'x-max-age': '1h', 'x-stream-filter-size-bytes': 32 } } } } } });
    const applied = await warren('apply', file, '--auto-approve');
    expect(applied.stderr).not.toContain('UNKNOWN_ARGUMENT');
    expect(applied.code).toBe(0);
    // 4.3 knows the argument; 3.10 predates it (3.13), keeps it and ignores it: a warning.
    if (brokerAtLeast(3, 13)) expect(applied.stderr + applied.stdout).not.toContain('QUEUE_ARGUMENT_NOT_IN_VERSION');
    else expect(applied.stderr + applied.stdout).toContain('QUEUE_ARGUMENT_NOT_IN_VERSION');
    const again = await warren('plan', file, '--detailed-exitcode');
    expect(again.code).toBe(0);
  });
});
