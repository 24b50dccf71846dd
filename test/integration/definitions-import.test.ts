/**
 * Issue 14, second round: definitions files RabbitMQ's own import accepts and
 * Warren used to refuse are applied and re-plan empty, on the real broker
 * (fixtures in test/fixtures/definitions/, names made unique per run); and a
 * native spec's `cluster_name` converges.
 */
import { describe, expect, it } from 'vitest';
import { brokerAtLeast, mgmt, testUrls } from '../helpers/broker.js';
import { specFile, warren, applyExpectOk, replansEmpty } from '../helpers/cli.js';
import { definitionsFixtures } from '../helpers/definitions.js';

const enc = encodeURIComponent;
const { fixture, vhost } = definitionsFixtures();

describe('definitions files the broker imports (second round)', () => {
  it('keeps the last of a resource declared twice, which the broker import accepts too; warns; re-plans empty', async () => {
    const names = ['loader2-dup-vhost', 'loader2-dup-user'];
    const ours = fixture('duplicates.json', names);
    const theirs = fixture('duplicates.json', names);
    // The broker's own import accepts the same file (and ends with either declaration of each: it imports concurrently).
    expect((await mgmt('POST', '/api/definitions', JSON.parse(theirs.text))).status).toBe(204);

    const validated = await warren('validate', ours.path);
    expect(validated.code, validated.stderr).toBe(0);
    expect(validated.stderr.match(/warning DUPLICATE_DEFINITION/g)?.length).toBe(7);
    await applyExpectOk(ours.path);
    const v = enc(ours.renamed['loader2-dup-vhost'] as string);
    const u = enc(ours.renamed['loader2-dup-user'] as string);
    expect((await mgmt<{ arguments: Record<string, unknown> }>('GET', `/api/queues/${v}/orders`)).body.arguments).toMatchObject({ 'x-max-length': 2 });
    expect((await mgmt<{ type: string }>('GET', `/api/exchanges/${v}/events`)).body.type).toBe('fanout');
    expect((await mgmt<{ pattern: string }>('GET', `/api/policies/${v}/lengths`)).body.pattern).toBe('^last$');
    expect((await mgmt<{ configure: string }>('GET', `/api/permissions/${v}/${u}`)).body.configure).toBe('^last$');
    expect((await mgmt<{ value: unknown }[]>('GET', `/api/vhost-limits/${v}`)).body.map((l) => l.value)).toEqual([{ 'max-queues': 20 }]);
    expect((await mgmt<{ source: string; routing_key: string }[]>('GET', `/api/bindings/${v}`)).body.filter((b) => b.source === 'events').map((b) => b.routing_key)).toEqual(['k']);
    // A vhost listed twice: its last entry.
    expect((await mgmt<{ description: string }>('GET', `/api/vhosts/${v}`)).body.description).toBe('last');
    await replansEmpty(ours.path);
  });

  it('accepts a permission in a vhost the `vhosts` list lacks; protects the vhost as the export says (4.0.6+), refuses that before', async () => {
    const { path, renamed } = fixture('unlisted-vhost.json', ['loader2-unlisted-vhost', 'loader2-unlisted-user']);
    const v = renamed['loader2-unlisted-vhost'] as string;
    const u = renamed['loader2-unlisted-user'] as string;
    if (!brokerAtLeast(4, 0, 6)) {
      // No deletion protection before 4.0.6: the file's `protected_from_deletion: true` is refused at plan time, nothing is written.
      const refused = await warren('apply', path, '--auto-approve');
      expect(refused.code, refused.stdout + refused.stderr).not.toBe(0);
      expect(refused.stderr).toContain('VHOST_PROTECTION_UNSUPPORTED');
      expect(refused.stderr).toMatch(/unlisted-vhost\.json:\d+:\d+/);
      expect((await mgmt('GET', `/api/vhosts/${enc(v)}`)).status).toBe(404);
      return;
    }
    await applyExpectOk(path);
    expect((await mgmt<{ configure: string }>('GET', `/api/permissions/%2F/${enc(u)}`)).body.configure).toBe('^$');
    expect((await mgmt<{ configure: string }>('GET', `/api/permissions/${enc(v)}/${enc(u)}`)).body.configure).toBe('.*');
    const live = await mgmt<{ description: string; protected_from_deletion?: boolean }>('GET', `/api/vhosts/${enc(v)}`);
    expect(live.body.description).toBe('listed');
    expect(live.body.protected_from_deletion).toBe(true);
    await replansEmpty(path);
  });

  it('applies a file with only `users`: the user logs in, and the re-plan is empty', async () => {
    const { path, renamed } = fixture('users-only.json', ['loader2-usersonly-user']);
    const u = renamed['loader2-usersonly-user'] as string;
    await applyExpectOk(path);
    const m = new URL(testUrls().management);
    const res = await fetch(`${m.protocol}//${m.host}/api/whoami`, { headers: { authorization: 'Basic ' + Buffer.from(`${u}:users-only-secret`).toString('base64') } });
    await res.body?.cancel();
    expect(res.status).toBe(200);
    await replansEmpty(path);
  });
});

describe('global parameters: cluster_name', () => {
  it('converges when declared, is planned when it differs, and is never listed or pruned when not declared', async () => {
    // Neither broker stores cluster_name until it is set: /api/cluster-name shows the default.
    expect((await mgmt('GET', '/api/global-parameters/cluster_name')).status).toBe(404);
    const name = (await mgmt<{ name: string }>('GET', '/api/cluster-name')).body.name;
    const v = await vhost('loader2-cluster-name');
    const spec = (globals: string): string => specFile(`version: 1\nglobal_parameters:${globals}\nvhosts:\n  ${v}: {}\n`);

    // Declared (as the name it already has, so that the shared broker keeps its name): stored, then converged.
    const same = spec(`\n  cluster_name: ${JSON.stringify(name)}`);
    try {
      await applyExpectOk(same);
      expect((await mgmt<{ value: string }>('GET', '/api/global-parameters/cluster_name')).body.value).toBe(name);
      await replansEmpty(same);
    } finally {
      await mgmt('DELETE', '/api/global-parameters/cluster_name');
    }

    // Another name is planned (not applied: the shared broker keeps its name).
    const other = await warren('plan', spec(`\n  cluster_name: ${JSON.stringify(`${name}-renamed`)}`), '--format', 'json');
    expect(other.code, other.stderr).toBe(0);
    const plan = JSON.parse(other.stdout) as { changes: { action: string; kind: string; name: string }[] };
    expect(plan.changes.map((c) => [c.action, c.kind, c.name])).toEqual([['create', 'global_parameter', 'cluster_name']]);

    // Undeclared, in a spec that manages global parameters with --prune: left alone (so is 4.x's cluster_tags).
    const pruned = await warren('plan', spec(' {}'), '--prune', '--format', 'json');
    expect(pruned.code, pruned.stderr).toBe(0);
    const prunePlan = JSON.parse(pruned.stdout) as { changes: { kind: string; name: string }[]; unmanaged?: { kind: string; name: string }[] };
    expect(prunePlan.changes.filter((c) => c.kind === 'global_parameter' && /^cluster_(name|tags)$/.test(c.name))).toEqual([]);
    expect(JSON.stringify(prunePlan.unmanaged ?? [])).not.toMatch(/cluster_name|cluster_tags/);

    // internal_cluster_id is refused.
    const refused = await warren('validate', spec('\n  internal_cluster_id: x'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error GLOBAL_PARAMETER_BROKER_OWNED');
  });
});
