import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compareFields } from '../../../src/diff/compare.js';
import type { Desired, UserPassword, UserResource } from '../../../src/model/types.js';
import { lintSpec } from '../../../src/lint/index.js';
import { secretsNotInPlanFile } from '../../../src/plan/saved-secrets.js';
import { parseSpecText } from '../../../src/spec/index.js';
import { checkPasswordHash, hashPassword, impliedHashingAlgorithm } from '../../../src/util/password-hash.js';
import { Sensitive } from '../../../src/util/sensitive.js';
import { where, yaml } from './helpers.js';

/** An MD5-era hash, as RabbitMQ 3.0 to 3.5 made them: base64(salt + md5(salt + password)). */
function md5Hash(password: string, salt = Buffer.from([1, 2, 3, 4])): string {
  return Buffer.concat([salt, createHash('md5').update(Buffer.concat([salt, Buffer.from(password)])).digest()]).toString('base64');
}
const SHA256 = 'rabbit_password_hashing_sha256';
const MD5 = 'rabbit_password_hashing_md5';

function userOf(desired: Desired | null, name = 'app'): UserResource {
  const u = [...(desired?.resources.values() ?? [])].find((r) => r.kind === 'user' && r.name === name);
  if (u?.kind !== 'user') throw new Error(`no user ${name}`);
  return u;
}
const defs = (doc: Record<string, unknown>): string => JSON.stringify({ vhosts: [{ name: 'v' }], ...doc }, null, 2);
const liveUser = (password: UserPassword): UserResource => ({ kind: 'user', vhost: '', name: 'app', tags: [], password });

describe('the algorithm of a password_hash, as RabbitMQ\'s import decides it', () => {
  it('is MD5 for exports of 3.0 to 3.5 without hashing_algorithm, the broker default otherwise', () => {
    expect(impliedHashingAlgorithm('3.0.4')).toBe(MD5);
    expect(impliedHashingAlgorithm('3.5.7')).toBe(MD5);
    expect(impliedHashingAlgorithm('3.6.0')).toBe(SHA256);
    expect(impliedHashingAlgorithm('3.10.8')).toBe(SHA256);
    expect(impliedHashingAlgorithm(undefined)).toBe(SHA256);
  });

  it('reads an MD5-era export as MD5 users, rabbitmq_version before rabbit_version', () => {
    const hash = md5Hash('s3cret');
    const old = parseSpecText(defs({ rabbit_version: '3.0.4', users: [{ name: 'app', password_hash: hash, tags: 'administrator' }] }), 'old.json');
    expect(old.diagnostics).toEqual([]);
    expect(userOf(old.desired).password).toMatchObject({ kind: 'hash', algorithm: MD5 });
    // The broker reads `rabbitmq_version` first (verified 3.10.8 and 4.3.6).
    const both = parseSpecText(defs({ rabbitmq_version: '3.5.7', rabbit_version: '3.9.0', users: [{ name: 'app', password_hash: hash, tags: '' }] }), 'b.json');
    expect(userOf(both.desired).password).toMatchObject({ kind: 'hash', algorithm: MD5 });
    const named = parseSpecText(defs({ rabbit_version: '3.0.4', users: [{ name: 'app', password_hash: hashPassword('x', SHA256), hashing_algorithm: SHA256, tags: '' }] }), 'n.json');
    expect(userOf(named.desired).password).toMatchObject({ kind: 'hash', algorithm: SHA256 });
  });

  it('compares the algorithm: the same hash under another algorithm is a change', () => {
    const hash = new Sensitive(md5Hash('s3cret'));
    const want = liveUser({ kind: 'hash', hash, algorithm: MD5 });
    expect(compareFields(liveUser({ kind: 'hash', hash, algorithm: MD5 }), want)).toEqual([]);
    expect(compareFields(liveUser({ kind: 'hash', hash, algorithm: SHA256 }), want).map((f) => f.field)).toEqual(['password']);
  });
});

describe('a password_hash that cannot be a RabbitMQ hash', () => {
  it('is an error at validate time, at the field, that never repeats the value', () => {
    const text = defs({ rabbit_version: '4.1.0', users: [{ name: 'app', password_hash: 'rabbitmq_secret_2025', tags: '' }] });
    const r = parseSpecText(text, 'd.json');
    expect(r.desired).toBeNull();
    expect(r.diagnostics.map(where)).toEqual([{ code: 'INVALID_PASSWORD_HASH', severity: 'error', file: 'd.json', line: 11, column: 24, path: '/users/0/password_hash' }]);
    expect(r.diagnostics[0]?.message).toContain('move it to `password`');
    expect(JSON.stringify(r.diagnostics)).not.toContain('rabbitmq_secret_2025');
  });

  it('takes the algorithm its length fits when the file names none, with a warning saying why', () => {
    // RabbitMQ would store this MD5 hash as SHA-256 (no version, no algorithm), and no password would match.
    const r = parseSpecText(defs({ users: [{ name: 'app', password_hash: md5Hash('pw'), tags: '' }] }), 'd.json');
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['PASSWORD_HASH_ALGORITHM_INFERRED', 'warning']]);
    expect(r.diagnostics[0]?.message).toContain('the file has no rabbit_version');
    expect(r.diagnostics[0]?.message).toContain('add `hashing_algorithm: rabbit_password_hashing_md5`');
    expect(userOf(r.desired).password).toMatchObject({ kind: 'hash', algorithm: MD5 });
  });

  it('is an error when the algorithm the file names does not fit its length', () => {
    const r = parseSpecText(defs({ users: [{ name: 'app', password_hash: md5Hash('pw'), hashing_algorithm: SHA256, tags: '' }] }), 'd.json');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['INVALID_PASSWORD_HASH']);
    expect(r.diagnostics[0]?.message).toContain('decodes to 20 bytes, and a rabbit_password_hashing_sha256 hash has 36');
    expect(r.diagnostics[0]?.message).toContain('its length fits rabbit_password_hashing_md5');
    const native = parseSpecText(yaml('version: 1', 'users:', '  app:', '    password_hash: "c2FsdA=="', 'vhosts: {}'), 's.yaml');
    expect(native.diagnostics.map(where)).toEqual([{ code: 'INVALID_PASSWORD_HASH', severity: 'error', file: 's.yaml', line: 4, column: 20, path: '/users/app/password_hash' }]);
    expect(native.diagnostics[0]?.message).toContain('write `password: { env: NAME }`');
  });

  it('checks base64 and the digest length of each algorithm', () => {
    expect(checkPasswordHash(hashPassword('x', SHA256), SHA256)).toBeUndefined();
    expect(checkPasswordHash(hashPassword('x', 'rabbit_password_hashing_sha512'), 'rabbit_password_hashing_sha512')).toBeUndefined();
    expect(checkPasswordHash(md5Hash('x'), MD5)).toBeUndefined();
    expect(checkPasswordHash('not base64!', SHA256)).toEqual({ kind: 'not_base64' });
    expect(checkPasswordHash(hashPassword('x', SHA256).slice(1), SHA256)).toEqual({ kind: 'not_base64' });
    expect(checkPasswordHash(md5Hash('x'), 'rabbit_password_hashing_sha512')).toEqual({ kind: 'length', bytes: 20, expected: 68, fits: MD5 });
    expect(checkPasswordHash('anything', 'rabbit_password_hashing_bcrypt')).toBeUndefined();
  });

  it('warns about an algorithm RabbitMQ does not ship', () => {
    const r = parseSpecText(defs({ users: [{ name: 'app', password_hash: 'abcd', hashing_algorithm: 'rabbit_password_hashing_bcrypt', tags: '' }] }), 'd.json');
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['UNKNOWN_HASHING_ALGORITHM', 'warning']]);
  });
});

describe('a plain-text password', () => {
  it('is accepted from a definitions file, with a warning, and refused together with a hash', () => {
    const ok = parseSpecText(defs({ users: [{ name: 'app', password: 'hunter2', tags: 'management' }] }), 'd.json');
    expect(ok.diagnostics.map((d) => [d.code, d.severity])).toEqual([['PLAIN_TEXT_PASSWORD', 'warning']]);
    expect(userOf(ok.desired).password).toMatchObject({ kind: 'plain' });
    expect(JSON.stringify(userOf(ok.desired))).not.toContain('hunter2');
    const both = parseSpecText(defs({ users: [{ name: 'app', password: 'hunter2', password_hash: md5Hash('x'), tags: '' }] }), 'd.json');
    expect(both.diagnostics.map((d) => d.code)).toContain('PASSWORD_CONFLICT');
  });

  it('keeps the algorithm the file names for it', () => {
    const r = parseSpecText(defs({ users: [{ name: 'app', password: 'hunter2', hashing_algorithm: 'rabbit_password_hashing_sha512', tags: '' }] }), 'd.json');
    expect(userOf(r.desired).password).toMatchObject({ kind: 'plain', algorithm: 'rabbit_password_hashing_sha512' });
  });

  it('is converged with a live hash it matches, using the live salt and algorithm', () => {
    const plain = (algorithm?: string): UserResource => liveUser({ kind: 'plain', value: new Sensitive('hunter2'), ...(algorithm && { algorithm }) });
    const live = (password: string, algorithm: string): UserResource => liveUser({ kind: 'hash', hash: new Sensitive(hashPassword(password, algorithm)), algorithm });
    expect(compareFields(live('hunter2', SHA256), plain())).toEqual([]);
    expect(compareFields(live('hunter2', MD5), plain())).toEqual([]);
    expect(compareFields(live('other', SHA256), plain()).map((f) => [f.field, String(f.before), String(f.after)])).toEqual([['password', '(sensitive)', '(sensitive)']]);
    // The file names SHA-512: a SHA-256 hash of the same password is a change.
    expect(compareFields(live('hunter2', SHA256), plain('rabbit_password_hashing_sha512')).map((f) => f.field)).toEqual(['password']);
    expect(compareFields(live('hunter2', 'rabbit_password_hashing_sha512'), plain('rabbit_password_hashing_sha512'))).toEqual([]);
    expect(JSON.stringify(compareFields(live('other', SHA256), plain()))).not.toContain('hunter2');
  });

  it('cannot be carried by a saved plan', () => {
    const after = liveUser({ kind: 'plain', value: new Sensitive('hunter2') });
    const change = { action: 'create' as const, kind: 'user' as const, vhost: '', name: 'app', key: 'k', after, fields: [], reasons: [] };
    expect(secretsNotInPlanFile(change as unknown as Parameters<typeof secretsNotInPlanFile>[0])).toEqual(['password']);
  });

  it('is the lint rule PLAIN_TEXT_PASSWORD, which the spec can turn off or make an error', () => {
    const spec = (level?: string): string =>
      yaml('version: 1', 'users:', '  app:', '    password: hunter2', 'vhosts: {}', ...(level ? ['lint:', '  rules:', `    PLAIN_TEXT_PASSWORD: ${level}`] : []));
    const r = parseSpecText(spec(), 's.yaml');
    const { report } = lintSpec(r.desired as Desired);
    expect(report.findings.map((f) => [f.code, f.severity, f.line, f.column])).toEqual([['PLAIN_TEXT_PASSWORD', 'warning', 4, 15]]);
    expect(parseSpecText(spec('off'), 's.yaml').diagnostics).toEqual([]);
    const strict = parseSpecText(spec('error'), 's.yaml');
    expect(strict.desired).toBeNull();
    expect(strict.diagnostics.map((d) => [d.code, d.severity])).toEqual([['PLAIN_TEXT_PASSWORD', 'error']]);
  });
});
