import { describe, expect, it } from 'vitest';
import { selfLockouts, type Credential } from '../../../src/diff/self-lockout.js';
import type { Change } from '../../../src/model/change.js';
import type { UserPassword, UserResource } from '../../../src/model/types.js';
import { hashPassword } from '../../../src/util/password-hash.js';
import { Sensitive } from '../../../src/util/sensitive.js';

const SHA256 = 'rabbit_password_hashing_sha256';
const user = (password: UserPassword, tags: string[] = ['administrator']): UserResource => ({ kind: 'user', vhost: '', name: 'ops', tags, password });
const update = (after: UserResource, before: UserResource = user({ kind: 'unmanaged' })): Change => ({
  action: 'update', kind: 'user', vhost: '', name: 'ops', key: '["user","","ops"]', fields: [], reasons: [], before, after,
});
const creds: Credential[] = [
  { api: 'management', user: 'ops', password: 'ops-pw' },
  { api: 'amqp', user: 'app', password: 'app-pw' },
];
const codes = (c: Change): string[] => selfLockouts([c], creds).map((d) => `${d.severity} ${d.code}`);

// Dogfood: a definitions file with another hash for the user Warren connected as was applied on
// 4.3.6: the user was updated, the next step answered 401, and the apply stopped half done.
describe('changes that lock Warren out of the broker', () => {
  it('refuses another password, none, or the administrator tag taken from the management user', () => {
    expect(codes(update(user({ kind: 'hash', hash: new Sensitive(hashPassword('other', SHA256)), algorithm: SHA256 })))).toEqual(['error CONNECTED_USER_LOCKOUT']);
    expect(codes(update(user({ kind: 'plain', value: new Sensitive('other') })))).toEqual(['error CONNECTED_USER_LOCKOUT']);
    expect(codes(update(user({ kind: 'none' })))).toEqual(['error CONNECTED_USER_LOCKOUT']);
    expect(codes(update(user({ kind: 'unmanaged' }, ['monitoring'])))).toEqual(['error CONNECTED_USER_LOCKOUT']);
  });

  it('lets the same password through, also hashed with another salt, and users Warren does not connect as', () => {
    expect(codes(update(user({ kind: 'hash', hash: new Sensitive(hashPassword('ops-pw', SHA256)), algorithm: SHA256 })))).toEqual([]);
    expect(codes(update(user({ kind: 'env', env: 'OPS_PW', value: new Sensitive('ops-pw') })))).toEqual([]);
    expect(codes(update(user({ kind: 'unmanaged' }, ['administrator', 'monitoring'])))).toEqual([]);
    const other: UserResource = { ...user({ kind: 'none' }), name: 'someone' };
    expect(selfLockouts([{ ...update(other), name: 'someone' }], creds)).toEqual([]);
  });

  it('never repeats a password in its message', () => {
    const [d] = selfLockouts([update(user({ kind: 'plain', value: new Sensitive('other-secret') }))], creds);
    expect(d?.message).not.toMatch(/other-secret|ops-pw/);
  });
});
