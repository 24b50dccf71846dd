/**
 * The pipelines users run: saved plans, the apply lock, drift after changes
 * behind Warren's back, export round trips, targets and overlays.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { LOCK_QUEUE } from '../../src/apply/lock.js';
import { amqpUrlFor, freshVhosts, mgmt, testUrls } from '../helpers/broker.js';
import { specFile, warren } from '../helpers/cli.js';

const vhost = freshVhosts();
const enc = encodeURIComponent;

function spec(v: string, queues: Record<string, unknown>): string {
  return specFile({ version: 1, vhosts: { [v]: { exchanges: { ex: { type: 'topic' } }, queues } } });
}

describe('saved plans', () => {
  it('applies a saved plan when the broker has not changed, and refuses one when it has', async () => {
    const v = await vhost('saved');
    const file = spec(v, { a: { bind: [{ exchange: 'ex', routing_key: 'a.#' }] }, gone: {} });
    expect((await warren('apply', file, '--auto-approve')).code).toBe(0);
    const next = spec(v, { a: { bind: [{ exchange: 'ex', routing_key: 'a.#' }] }, b: {} });
    const planFile = join(mkdtempSync(join(tmpdir(), 'warren-plan-')), 'plan.json');

    const made = await warren('plan', next, '--prune', '-o', planFile);
    expect(made.code).toBe(0);
    const saved = JSON.parse(readFileSync(planFile, 'utf8')) as { fingerprint: Record<string, string> };
    expect(Object.keys(saved.fingerprint)).toHaveLength(2);
    expect(readFileSync(planFile, 'utf8')).not.toContain('guest');

    // a message arrives in the queue the plan deletes: the reviewed plan no longer holds
    await mgmt('POST', `/api/exchanges/${enc(v)}/amq.default/publish`, { properties: {}, routing_key: 'gone', payload: 'x', payload_encoding: 'string' });
    const refused = await warren('apply', planFile);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the broker changed since this plan was made');
    expect(refused.stderr).toContain('queue "gone"');
    expect((await mgmt('GET', `/api/queues/${enc(v)}/b`)).status).toBe(404);

    const purged = await mgmt('DELETE', `/api/queues/${enc(v)}/gone/contents`);
    expect(purged.status, JSON.stringify(purged.body)).toBe(204);
    const fresh = await warren('plan', next, '--prune', '-o', planFile);
    expect(fresh.code).toBe(0);
    const applied = await warren('apply', planFile);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Verified');
    expect((await mgmt('GET', `/api/queues/${enc(v)}/b`)).status).toBe(200);
    expect((await mgmt('GET', `/api/queues/${enc(v)}/gone`)).status).toBe(404);
  });
});

describe('the apply lock', () => {
  it('applies a saved plan with `{ env: NAME }` passwords: read when applied, kept by an update without them', async () => {
    const v = await vhost('saved-secrets');
    const user = `${v}-user`;
    const envName = `WARREN_TEST_PASSWORD_${process.pid}`;
    const secret = `pw-${process.pid}-s3cret`;
    const doc = (tags: string[]): string =>
      specFile({ version: 1, users: { [user]: { password: { env: envName }, tags } }, vhosts: { [v]: { permissions: { [user]: { configure: '', write: '^x$', read: '^x$' } } } } });
    const whoami = async (): Promise<number> => {
      const base = new URL(testUrls().management);
      const res = await fetch(`http://${base.host}/api/whoami`, { headers: { authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}` } });
      return res.status;
    };
    const dir = mkdtempSync(join(tmpdir(), 'warren-plan-'));
    try {
      process.env[envName] = secret;
      const created = join(dir, 'create.json');
      expect((await warren('plan', doc(['management']), '-o', created)).code).toBe(0);
      expect(readFileSync(created, 'utf8')).not.toContain(secret);
      const applied = await warren('apply', created);
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      expect(applied.stdout).toContain('Verified: the broker now matches the plan.');
      expect(await whoami()).toBe(200);

      // A tag added, the password left as it is: the job that applies it need not have the secret.
      const updated = join(dir, 'update.json');
      expect((await warren('plan', doc(['management', 'monitoring']), '-o', updated)).code).toBe(0);
      delete process.env[envName];
      const kept = await warren('apply', updated, '--allow-broadened-permissions');
      expect(kept.code, kept.stdout + kept.stderr).toBe(0);
      expect(kept.stdout).toContain('Verified: the broker now matches the plan.');
      expect(await whoami()).toBe(200);
      const now = await mgmt<{ tags: string[] | string }>('GET', `/api/users/${enc(user)}`);
      expect(now.body.tags).toEqual(['management', 'monitoring']);
    } finally {
      delete process.env[envName];
      await mgmt('DELETE', `/api/users/${enc(user)}`);
    }
  });

  it('applies a saved plan with `{ env: NAME }` shovel URIs, and refuses one with a literal secret before changing anything', async () => {
    const v = await vhost('saved-uris');
    const envName = `WARREN_TEST_URI_${process.pid}`;
    const uri = new URL(testUrls().amqp);
    uri.pathname = `/${enc(v)}`;
    const shovel = (src: unknown): string =>
      specFile({ version: 1, vhosts: { [v]: { queues: { src: {}, dst: {} }, shovels: { mv: { 'src-uri': src, 'src-queue': 'src', 'dest-uri': src, 'dest-queue': 'dst' } } } } });
    const dir = mkdtempSync(join(tmpdir(), 'warren-plan-'));
    try {
      process.env[envName] = uri.toString();
      const byName = join(dir, 'env.json');
      expect((await warren('plan', shovel({ env: envName }), '-o', byName)).code).toBe(0);
      expect(readFileSync(byName, 'utf8')).not.toContain(uri.password);
      expect(readFileSync(byName, 'utf8')).toContain(`"env": "${envName}"`);
      const applied = await warren('apply', byName);
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      const live = await mgmt<{ value: Record<string, unknown> }>('GET', `/api/parameters/shovel/${enc(v)}/mv`);
      expect(live.body.value['src-uri']).toBe(uri.toString());

      // A literal URI with a password: the plan file holds it masked; saving warns, applying refuses, nothing changes.
      const other = new URL(uri.toString());
      other.searchParams.set('heartbeat', '15');
      const literal = join(dir, 'literal.json');
      const saved = await warren('plan', shovel(other.toString()), '-o', literal);
      expect(saved.stderr).toContain('warning SECRET_NOT_IN_PLAN');
      const refused = await warren('apply', literal);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('SECRET_NOT_IN_PLAN: apply refused, nothing was changed');
      expect(refused.stderr).toContain('(value.src-uri, value.dest-uri)');
      expect((await mgmt<{ value: Record<string, unknown> }>('GET', `/api/parameters/shovel/${enc(v)}/mv`)).body.value['src-uri']).toBe(uri.toString());
    } finally {
      delete process.env[envName];
    }
  });

  it('makes a second apply wait, then fail naming the holder', async () => {
    const v = await vhost('lock');
    const conn = await connect(amqpUrlFor(v));
    try {
      const ch = await conn.createChannel();
      await ch.assertQueue(LOCK_QUEUE, {
        exclusive: true,
        arguments: { 'x-warren-holder': JSON.stringify({ host: 'ci-runner-7', pid: 4242, started: '2026-11-25T10:00:00Z' }) },
      });
      const started = Date.now();
      const r = await warren('apply', spec(v, { q: {} }), '--auto-approve', '--lock-timeout', '2');
      expect(r.code).toBe(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      expect(r.stderr).toContain('LOCK_TIMEOUT');
      expect(r.stderr).toContain('ci-runner-7 (pid 4242, started 2026-11-25T10:00:00Z)');
      expect((await mgmt('GET', `/api/queues/${enc(v)}/q`)).status).toBe(404);
    } finally {
      await conn.close();
    }
    // released when the holder's connection closes
    expect((await warren('apply', spec(v, { q: {} }), '--auto-approve', '--lock-timeout', '10')).code).toBe(0);
  });

  it('serializes two concurrent applies; the broker ends up as the spec says', async () => {
    const v = await vhost('lock-race');
    const queues = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`q${i}`, { bind: [{ exchange: 'ex', routing_key: `k${i}` }] }]));
    const file = spec(v, queues);
    const [a, b] = await Promise.all([warren('apply', file, '--auto-approve'), warren('apply', file, '--auto-approve')]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stdout.includes('No changes') || b.stdout.includes('No changes')).toBe(true);
    expect((await warren('plan', file, '--detailed-exitcode')).code).toBe(0);
  });
});

describe('drift', () => {
  it('reports changes made behind Warren’s back in every format, and exits 0 after apply', async () => {
    const v = await vhost('drift');
    const user = `${v}-app`;
    const file = specFile({
      version: 1,
      vhosts: {
        [v]: {
          exchanges: { ex: { type: 'topic' } },
          queues: { a: { bind: [{ exchange: 'ex', routing_key: 'a' }] }, b: {} },
          policies: { limits: { pattern: '^a$', 'apply-to': 'queues', priority: 1, definition: { 'max-length': 100 } } },
          permissions: { [user]: { configure: '^a$', write: '^ex$', read: '^a$' } },
        },
      },
    });
    // the user exists, made by someone else; the spec manages its permissions in this vhost only
    await mgmt('PUT', `/api/users/${enc(user)}`, { password_hash: '', tags: '' });
    try {
      expect((await warren('apply', file, '--auto-approve')).code).toBe(0);
      expect((await warren('drift', file)).code).toBe(0);

      // behind Warren's back: a queue deleted, a binding added, a policy changed, a permission widened
      await mgmt('DELETE', `/api/queues/${enc(v)}/b`);
      await mgmt('POST', `/api/bindings/${enc(v)}/e/ex/q/a`, { routing_key: 'extra', arguments: {} });
      await mgmt('PUT', `/api/policies/${enc(v)}/limits`, { pattern: '^a$', 'apply-to': 'queues', priority: 1, definition: { 'max-length': 5 } });
      await mgmt('PUT', `/api/permissions/${enc(v)}/${enc(user)}`, { configure: '.*', write: '^ex$', read: '^a$' });
      const json = await warren('drift', file, '--format', 'json');
      expect(json.code).toBe(2);
      const report = JSON.parse(json.stdout) as {
        in_sync: boolean;
        missing: { name: string }[];
        changed: { kind: string; name: string; fields: { field: string; live?: unknown; declared?: unknown }[] }[];
        unmanaged: { name: string }[];
      };
      expect(report.in_sync).toBe(false);
      expect(report.missing.map((m) => m.name)).toEqual(['b']);
      expect(report.unmanaged.map((m) => m.name)).toEqual(['ex -> a [extra]']);
      expect(report.changed.map((c) => `${c.kind} ${c.fields.map((f) => `${f.field}: ${JSON.stringify(f.live)} → ${JSON.stringify(f.declared)}`).join(', ')}`).sort()).toEqual([
        'permission configure: ".*" → "^a$"',
        'policy definition.max-length: 5 → 100',
      ]);
      await checkDriftFormats(file);
      const fixed = await warren('apply', file, '--auto-approve', '--prune');
      expect(fixed.code, fixed.stderr + fixed.stdout).toBe(0);
      expect((await warren('drift', file)).code).toBe(0);
    } finally {
      await mgmt('DELETE', `/api/users/${enc(user)}`);
    }
  });
});

async function checkDriftFormats(file: string): Promise<void> {
  {
    {
      for (const [format, marker] of [['text', 'b'], ['markdown', '```mermaid'], ['junit', '<testsuite']] as const) {
        const r = await warren('drift', file, '--format', format);
        expect(r.code, format).toBe(2);
        expect(r.stdout, format).toContain(marker);
      }
    }
  }
}

describe('export', () => {
  it('round-trips: export, then plan against the same broker, is empty', async () => {
    const v = await vhost('export');
    const file = specFile({
      version: 1,
      vhosts: {
        [v]: {
          exchanges: { ex: { type: 'topic' }, ae: { type: 'fanout', internal: true }, h: { type: 'headers', arguments: { 'alternate-exchange': 'ae' } } },
          queues: {
            cq: { arguments: { 'x-max-length': 10, 'x-overflow': 'reject-publish' }, bind: [{ exchange: 'ex', routing_key: 'a.*' }, { exchange: 'h', arguments: { 'x-match': 'any', n: 1 } }] },
            qq: { type: 'quorum', arguments: { 'x-delivery-limit': 3 }, bind: [{ exchange: 'ae' }] },
          },
          bindings: [{ source: 'ex', destination: 'h', destination_type: 'exchange', routing_key: '#' }],
          // the kinds beside the topology: a --prune after export must not delete them
          limits: { 'max-queues': 100 },
          permissions: { guest: { configure: '.*', write: '.*', read: '.*' } },
          topic_permissions: { guest: { ex: { write: '^a\\.', read: '.*' } } },
          policies: { ttl: { pattern: '^cq$', 'apply-to': 'queues', priority: 2, definition: { 'message-ttl': 60000 } } },
          operator_policies: { cap: { pattern: '.*', 'apply-to': 'queues', definition: { 'max-length-bytes': 1000000 } } },
          shovels: { mv: { 'src-uri': 'amqp://', 'src-queue': 'cq', 'dest-uri': 'amqp://', 'dest-queue': 'qq' } },
        },
      },
    });
    const applied = await warren('apply', file, '--auto-approve', '--allow-broadened-permissions');
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const out = join(mkdtempSync(join(tmpdir(), 'warren-export-')), 'exported.yaml');
    const exported = await warren('export', '--vhost', v, '-o', out);
    expect(exported.code, exported.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('# yaml-language-server: $schema=');
    const plan = await warren('plan', out, '--detailed-exitcode', '--prune');
    expect(plan.code, plan.stdout).toBe(0);
    for (const section of ['limits:', 'permissions:', 'topic_permissions:', 'policies:', 'operator_policies:', 'shovels:']) expect(readFileSync(out, 'utf8')).toContain(section);
    const defs = await warren('export', '--vhost', v, '--format', 'definitions');
    const defsFile = join(mkdtempSync(join(tmpdir(), 'warren-defs-')), 'definitions.json');
    writeFileSync(defsFile, defs.stdout);
    expect((await warren('plan', defsFile, '--detailed-exitcode', '--prune')).code).toBe(0);
  });
});

describe('targets, overlays and variables', () => {
  it('plans each --target from warren.config.yaml with credentials from the environment', async () => {
    const v = await vhost('targets');
    const dir = mkdtempSync(join(tmpdir(), 'warren-config-'));
    const m = new URL(testUrls().management);
    const a = new URL(testUrls().amqp);
    writeFileSync(
      join(dir, 'warren.config.yaml'),
      `targets:\n  local:\n    management_url: http://${m.host}\n    amqp_url: amqp://${a.host}\n    username_env: T_USER\n    password_env: T_PASS\n` +
        `  again:\n    management_url: http://${m.host}\n    amqp_url: amqp://${a.host}\n    username_env: T_USER\n    password_env: T_PASS\n`,
    );
    writeFileSync(join(dir, 'base.yaml'), `version: 1\nvhosts:\n  ${v}:\n    queues:\n      orders:\n        arguments:\n          x-max-length: \${MAX:-10}\n      legacy: {}\n`);
    writeFileSync(join(dir, 'prod.yaml'), `version: 1\nvhosts:\n  ${v}:\n    queues:\n      legacy: $remove\n`);
    process.env['T_USER'] = decodeURIComponent(m.username);
    process.env['T_PASS'] = decodeURIComponent(m.password);
    try {
      const cfg = join(dir, 'warren.config.yaml');
      const r = await warren('plan', '-f', join(dir, 'base.yaml'), '-f', join(dir, 'prod.yaml'), '--var', 'MAX=20', '--config', cfg, '--target', 'local', '--target', 'again', '--format', 'json');
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as { targets: { target: string; plan: { changes: { name: string; after?: { arguments?: Record<string, unknown> } }[] } }[] };
      expect(doc.targets.map((t) => t.target)).toEqual(['local', 'again']);
      for (const t of doc.targets) {
        // the test vhost has a description the spec leaves out: left alone
        expect(t.plan.changes.map((c) => c.name)).toEqual(['orders']);
        expect(t.plan.changes[0]?.after?.arguments).toEqual({ 'x-max-length': 20 });
      }
      delete process.env['T_PASS'];
      const missing = await warren('plan', join(dir, 'base.yaml'), '--config', cfg, '--target', 'local');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('T_PASS');
    } finally {
      delete process.env['T_USER'];
      delete process.env['T_PASS'];
    }
  });
});
