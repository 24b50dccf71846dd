/**
 * What RabbitMQ's own import accepts, Warren accepts, applies and re-plans
 * empty, on the real broker; and users log in with the passwords their
 * hashes encode. Fixtures in test/fixtures/definitions/ (their vhost and
 * user names are made unique per run).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connect } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { mgmt, testUrls } from '../helpers/broker.js';
import { specFile, warren, applyExpectOk, replansEmpty } from '../helpers/cli.js';
import { FIXTURES, definitionsFixtures } from '../helpers/definitions.js';
import { ManagementClient } from '../../src/live/http.js';
import { Sensitive } from '../../src/util/sensitive.js';

const enc = encodeURIComponent;
const { fixture, adoptUser } = definitionsFixtures();

/** Logs in as `user` over AMQP (into `vhostName`) and over HTTP; true when both work. */
async function logsIn(user: string, password: string, vhostName: string): Promise<{ amqp: boolean; http: number }> {
  const a = new URL(testUrls().amqp);
  let amqp = false;
  try {
    const conn = await connect({ protocol: 'amqp', hostname: a.hostname, port: Number(a.port || 5672), username: user, password, vhost: vhostName });
    amqp = true;
    await conn.close();
  } catch {
    amqp = false;
  }
  const m = new URL(testUrls().management);
  const res = await fetch(`${m.protocol}//${m.host}/api/whoami`, { headers: { authorization: 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64') } });
  await res.body?.cancel();
  return { amqp, http: res.status };
}

describe('definitions files the broker imports', () => {
  it('applies an MD5-era export (3.0.4, no hashing_algorithm): the user logs in with its password, and the re-plan is empty', async () => {
    const { path, renamed } = fixture('md5-era-users.json', ['loader-md5-user', 'loader-md5-vhost']);
    const user = renamed['loader-md5-user'] as string;
    const v = renamed['loader-md5-vhost'] as string;
    await applyExpectOk(path);
    const live = await mgmt<{ hashing_algorithm: string; password_hash: string }>('GET', `/api/users/${enc(user)}`);
    expect(live.body.hashing_algorithm).toBe('rabbit_password_hashing_md5');
    expect(live.body.password_hash).toBe('ihNc4oYgQzpfmMI6eHOTMzyZD9E=');
    expect(await logsIn(user, 'md5-era-password', v)).toEqual({ amqp: true, http: 200 });
    expect(await logsIn(user, 'wrong-password', v)).toEqual({ amqp: false, http: 401 });
    await replansEmpty(path);
    // The same hash stored as SHA-256 (what Warren used to do) is drift, not converged.
    expect((await mgmt('PUT', `/api/users/${enc(user)}`, { password_hash: live.body.password_hash, hashing_algorithm: 'rabbit_password_hashing_sha256', tags: 'management' })).ok).toBe(true);
    const drift = await warren('plan', path, '--format', 'json');
    expect(drift.code, drift.stderr).toBe(0);
    const plan = JSON.parse(drift.stdout) as { changes: { action: string; kind: string; name: string; fields: { field: string }[] }[] };
    expect(plan.changes.map((c) => [c.action, c.kind, c.name, c.fields.map((f) => f.field)])).toEqual([['update', 'user', user, ['password']]]);
    await applyExpectOk(path);
    expect(await logsIn(user, 'md5-era-password', v)).toEqual({ amqp: true, http: 200 });
  });

  it('applies an MD5 hash of a file that names neither version nor algorithm as MD5 (warned), so that the user logs in', async () => {
    const { path, renamed } = fixture('md5-era-users.json', ['loader-md5-user', 'loader-md5-vhost']);
    const unversioned = specFile(readFileSync(path, 'utf8').replace('"rabbit_version": "3.0.4",', ''), 'unversioned.json');
    const user = renamed['loader-md5-user'] as string;
    const applied = await applyExpectOk(unversioned);
    expect(applied.stderr).toContain('warning PASSWORD_HASH_ALGORITHM_INFERRED');
    expect((await mgmt<{ hashing_algorithm: string }>('GET', `/api/users/${enc(user)}`)).body.hashing_algorithm).toBe('rabbit_password_hashing_md5');
    expect(await logsIn(user, 'md5-era-password', renamed['loader-md5-vhost'] as string)).toEqual({ amqp: true, http: 200 });
    await replansEmpty(unversioned);
  });

  it('applies a 3.9-style export with `limits: []` and `arguments: []`, and re-plans empty', async () => {
    const { path, renamed } = fixture('empty-lists.json', ['loader-lists-vhost']);
    const v = renamed['loader-lists-vhost'] as string;
    const validated = await warren('validate', path);
    expect(validated.code, validated.stderr).toBe(0);
    await applyExpectOk(path);
    const q = await mgmt<{ arguments: Record<string, unknown> }>('GET', `/api/queues/${enc(v)}/orders`);
    expect(q.ok).toBe(true);
    expect(await mgmt<unknown[]>('GET', `/api/vhost-limits/${enc(v)}`)).toMatchObject({ body: [] });
    await replansEmpty(path);
  });

  it('refuses a password_hash that is not a hash at validate, at its place, without printing it, and apply changes nothing', async () => {
    const path = join(FIXTURES, 'non-hash-password-hash.json');
    const r = await warren('validate', path);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/non-hash-password-hash\.json:4:56: error INVALID_PASSWORD_HASH: /);
    const applied = await warren('apply', path, '--auto-approve');
    expect(applied.code).toBe(1);
    for (const out of [r.stdout, r.stderr, applied.stdout, applied.stderr]) expect(out).not.toContain('rabbitmq_secret_2025');
    expect((await mgmt('GET', `/api/vhosts/loader-bad-hash-vhost`)).status).toBe(404);
    expect((await mgmt('GET', `/api/users/loader-bad-hash-user`)).status).toBe(404);
  });

  it('applies plain-text passwords: warned about, never printed, the users log in, the re-plan is empty', async () => {
    const { path, renamed } = fixture('plain-passwords.json', ['loader-plain-user', 'loader-plain512-user', 'loader-plain-vhost']);
    const user = renamed['loader-plain-user'] as string;
    const user512 = renamed['loader-plain512-user'] as string;
    const v = renamed['loader-plain-vhost'] as string;
    const secrets = ['compose-secret-4711', 'compose-secret-0815'];
    const outputs: string[] = [];

    // Saved before anything exists: the plan file cannot carry the passwords, and applying it refuses.
    const saved = join(resolve(path, '..'), 'plan.json');
    const planned = await warren('plan', path, '-o', saved);
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stderr).toContain('warning PLAIN_TEXT_PASSWORD');
    expect(planned.stderr).toContain('SECRET_NOT_IN_PLAN');
    const savedText = readFileSync(saved, 'utf8');
    const refused = await warren('apply', saved, '--auto-approve');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('SECRET_NOT_IN_PLAN');
    expect((await mgmt('GET', `/api/users/${enc(user)}`)).status).toBe(404);
    const json = await warren('plan', path, '--format', 'json');
    expect(json.code, json.stderr).toBe(0);
    outputs.push(planned.stdout, planned.stderr, savedText, refused.stdout, refused.stderr, json.stdout, json.stderr);

    const applied = await applyExpectOk(path);
    expect(applied.stderr).toContain('warning PLAIN_TEXT_PASSWORD');
    outputs.push(applied.stdout, applied.stderr);
    expect(await logsIn(user, 'compose-secret-4711', v)).toEqual({ amqp: true, http: 200 });
    expect(await logsIn(user512, 'compose-secret-0815', v)).toEqual({ amqp: true, http: 200 });
    // No algorithm named: the broker's default; named: that one, hashed by Warren.
    expect((await mgmt<{ hashing_algorithm: string }>('GET', `/api/users/${enc(user)}`)).body.hashing_algorithm).toBe('rabbit_password_hashing_sha256');
    expect((await mgmt<{ hashing_algorithm: string }>('GET', `/api/users/${enc(user512)}`)).body.hashing_algorithm).toBe('rabbit_password_hashing_sha512');
    await replansEmpty(path);

    // Changed behind Warren's back: a password change, shown without either password.
    expect((await mgmt('PUT', `/api/users/${enc(user)}`, { password: 'changed-by-hand', tags: 'management' })).ok).toBe(true);
    const drift = await warren('plan', path);
    expect(drift.code, drift.stderr).toBe(0);
    expect(drift.stdout).toContain('~ password: "(sensitive)" → "(sensitive)"');
    outputs.push(drift.stdout, drift.stderr);
    const again = await applyExpectOk(path);
    outputs.push(again.stdout, again.stderr);
    expect(await logsIn(user, 'compose-secret-4711', v)).toEqual({ amqp: true, http: 200 });
    await replansEmpty(path);

    for (const out of outputs) for (const s of secrets) expect(out).not.toContain(s);
  });

  it('locates a JSON syntax error where JSON breaks', async () => {
    const r = await warren('validate', join(FIXTURES, 'broken.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.json:2:1: error JSON_SYNTAX: expected a property name in double quotes, found `\{`/);
    expect(r.stderr).not.toContain('YAML');
  });
});

describe('broker error answers', () => {
  it('never repeat a secret the request carried', async () => {
    const client = new ManagementClient(testUrls().management);
    const secret = `not-base64-${randomBytes(4).toString('hex')}!`;
    const user = `loader-redact-${randomBytes(3).toString('hex')}`;
    adoptUser(user);
    try {
      const err = await client.put(`/api/users/${enc(user)}`, { password_hash: new Sensitive(secret), tags: '' }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err).toBeInstanceOf(Error);
      // The broker does answer with the value (["not_base64", ...] on 3.10, {not_base64,<<...>>} on 4.x) ...
      expect(err?.message).toContain('not_base64');
      // ... which never reaches the message.
      expect(err?.message).toContain('****');
      expect(err?.message).not.toContain(secret);
      expect(err?.message).not.toContain(secret.slice(0, -1));
    } finally {
      await client.close();
    }
  });
});
