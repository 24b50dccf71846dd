/**
 * Drift on a shared broker: unmanaged resources are always listed, but fail
 * drift only in the prune scope (`--prune`, or `prune: true` on their vhost;
 * users only with `--prune`), or with `--strict`.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { freshVhosts, mgmt } from '../helpers/broker.js';
import { specFile, warren } from '../helpers/cli.js';

const enc = encodeURIComponent;
const vhost = freshVhosts();
const users: string[] = [];
function user(prefix: string): string {
  const u = `warren-test-drift-${prefix}-${randomBytes(4).toString('hex')}`;
  users.push(u);
  return u;
}
afterAll(async () => {
  for (const u of users) await mgmt('DELETE', `/api/users/${enc(u)}`);
});

interface DriftDoc {
  in_sync: boolean;
  strict: boolean;
  prune: boolean;
  prune_vhosts: string[];
  unmanaged: { kind: string; vhost: string; name: string; in_prune_scope: boolean; fails_drift: boolean }[];
  summary: { unmanaged: number; unmanaged_failing: number; unmanaged_not_failing: number };
}

async function drift(file: string, ...args: string[]): Promise<{ code: number; doc: DriftDoc; stderr: string }> {
  const r = await warren('drift', file, '--format', 'json', ...args);
  return { code: r.code, doc: JSON.parse(r.stdout) as DriftDoc, stderr: r.stderr };
}

describe('drift on a shared broker', () => {
  it('lists a user made behind Warren’s back without failing; --strict and --prune count it', async () => {
    const v = await vhost('drift-users');
    const app = user('app');
    const other = user('other');
    const envName = `WARREN_TEST_PW_${randomBytes(3).toString('hex').toUpperCase()}`;
    process.env[envName] = `pw-${randomBytes(6).toString('hex')}`;
    const file = specFile({
      version: 1,
      users: { [app]: { password: { env: envName }, tags: [] } },
      vhosts: { [v]: { queues: { work: {} }, permissions: { [app]: { configure: '^work$', write: '^work$', read: '^work$' } } } },
    });
    const applied = await warren('apply', file, '--auto-approve');
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect((await warren('drift', file)).code).toBe(0);

    // another team's user, and a queue in this vhost (which has no prune: true), made behind Warren's back
    await mgmt('PUT', `/api/users/${enc(other)}`, { password_hash: '', tags: '' });
    await mgmt('PUT', `/api/queues/${enc(v)}/adhoc`, { durable: true, auto_delete: false, arguments: {} });

    const lenient = await drift(file);
    expect(lenient.code, lenient.stderr).toBe(0);
    expect(lenient.doc).toMatchObject({ in_sync: true, strict: false, prune: false, prune_vhosts: [] });
    expect(lenient.doc.unmanaged).toContainEqual({ kind: 'user', vhost: '', name: other, key: expect.any(String) as string, in_prune_scope: false, fails_drift: false });
    expect(lenient.doc.unmanaged).toContainEqual(expect.objectContaining({ kind: 'queue', vhost: v, name: 'adhoc', in_prune_scope: false, fails_drift: false }));
    expect(lenient.doc.summary.unmanaged_failing).toBe(0);
    expect(lenient.doc.summary.unmanaged_not_failing).toBe(lenient.doc.summary.unmanaged);

    const text = await warren('drift', file);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`+ user "${other}"`);
    expect(text.stdout).toMatch(/No drift\. \d+ unmanaged resources? outside the prune scope (is|are) listed, not counted\./);
    const junit = await warren('drift', file, '--format', 'junit');
    expect(junit.code).toBe(0);
    expect(junit.stdout).toContain('failures="0"');
    expect(junit.stdout).toContain(`<testcase classname="warren.user." name="${other}">\n      <skipped message=`);
    const md = await warren('drift', file, '--format', 'markdown');
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('**In sync.**');

    const strict = await drift(file, '--strict');
    expect(strict.code).toBe(2);
    expect(strict.doc).toMatchObject({ in_sync: false, strict: true });
    expect(strict.doc.unmanaged).toContainEqual(expect.objectContaining({ kind: 'user', name: other, in_prune_scope: false, fails_drift: true }));
    expect(strict.doc.summary.unmanaged_not_failing).toBe(0);

    const pruned = await drift(file, '--prune');
    expect(pruned.code).toBe(2);
    expect(pruned.doc).toMatchObject({ in_sync: false, strict: false, prune: true, prune_vhosts: [v] });
    expect(pruned.doc.unmanaged).toContainEqual(expect.objectContaining({ kind: 'user', name: other, in_prune_scope: true, fails_drift: true }));
    expect(pruned.doc.unmanaged).toContainEqual(expect.objectContaining({ kind: 'queue', name: 'adhoc', in_prune_scope: true, fails_drift: true }));
    // The user Warren connects as is never a delete, so never drift.
    expect(pruned.doc.unmanaged.map((u) => u.name)).not.toContain('guest');
  });

  it('an unmanaged queue in a vhost with prune: true fails drift; users stay outside that scope', async () => {
    const v = await vhost('drift-prune');
    const other = user('beside');
    const file = specFile({ version: 1, users: {}, vhosts: { [v]: { prune: true, queues: { work: {} } } } });
    const applied = await warren('apply', file, '--auto-approve');
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    await mgmt('PUT', `/api/users/${enc(other)}`, { password_hash: '', tags: '' });
    const clean = await drift(file);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.doc.prune_vhosts).toEqual([v]);
    expect(clean.doc.unmanaged).toContainEqual(expect.objectContaining({ kind: 'user', name: other, in_prune_scope: false, fails_drift: false }));

    await mgmt('PUT', `/api/queues/${enc(v)}/adhoc`, { durable: true, auto_delete: false, arguments: {} });
    const r = await drift(file);
    expect(r.code).toBe(2);
    expect(r.doc).toMatchObject({ in_sync: false, strict: false, prune: false, prune_vhosts: [v] });
    expect(r.doc.unmanaged).toContainEqual(expect.objectContaining({ kind: 'queue', vhost: v, name: 'adhoc', in_prune_scope: true, fails_drift: true }));
    expect(r.doc.summary.unmanaged_failing).toBe(1);
    const text = await warren('drift', file);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain(`Unmanaged (on the broker, not declared; in the prune scope: warren apply deletes them):\n  + queue "adhoc" in vhost "${v}"`);
    expect(text.stdout).toContain(`Prune scope: vhost "${v}" (prune: true)`);
  });
});
