import { describe, expect, it } from 'vitest';
import { freshVhosts, mgmt, testUrls } from '../helpers/broker.js';
import { specFile, specInVhost, warren } from '../helpers/cli.js';

const vhost = freshVhosts();

const enc = encodeURIComponent;

interface JsonPlan {
  format_version: number;
  changes: { action: string; kind: string; name: string; reasons: string[]; fields: { field: string; forces_replacement: boolean }[] }[];
  unmanaged: { kind: string; name: string }[];
  hazards: { code: string }[];
  summary: Record<string, number>;
}
async function planJson(...args: string[]): Promise<JsonPlan> {
  const r = await warren('plan', ...args, '--format', 'json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as JsonPlan;
}

function queueSpec(v: string, queues: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return specFile({ version: 1, vhosts: { [v]: { exchanges: { ex: { type: 'direct' } }, queues, ...extra } } });
}

describe('warren against a real broker', () => {
  it.each(['examples/seed-fanout.yaml', 'examples/seed-direct.yaml', 'examples/multi-service.yaml', 'topology.yaml'])(
    'applies %s, after which a plan is empty',
    async (example) => {
      const v = await vhost('example');
      const file = specInVhost(example, v);
      const first = await warren('plan', file, '--detailed-exitcode');
      expect(first.code, first.stderr).toBe(2);
      const applied = await warren('apply', file, '--auto-approve');
      expect(applied.code, applied.stderr + applied.stdout).toBe(0);
      expect(applied.stdout).toContain('Apply complete');
      const again = await warren('plan', file, '--detailed-exitcode');
      expect(again.code, again.stdout).toBe(0);
      expect(again.stdout).toContain('No changes');
    },
  );

  it('plans a changed queue argument as a replace with its reason, and applies it', async () => {
    const v = await vhost('replace');
    const before = queueSpec(v, { q: { arguments: { 'x-max-length': 10 }, bind: [{ exchange: 'ex', routing_key: 'k' }] } });
    expect((await warren('apply', before, '--auto-approve')).code).toBe(0);
    const after = queueSpec(v, { q: { arguments: { 'x-max-length': 20 }, bind: [{ exchange: 'ex', routing_key: 'k' }] } });
    const plan = await planJson(after);
    expect(plan.changes.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual(['replace queue q', 'create binding ex -> q [k]']);
    expect(plan.changes[0]?.fields).toEqual([{ field: 'arguments.x-max-length', before: 10, after: 20, forces_replacement: true }]);
    expect(plan.changes[0]?.reasons).toEqual(['arguments.x-max-length cannot be changed in place']);
    const text = await warren('plan', after);
    expect(text.stdout).toContain('-/+ queue "q"');
    expect(text.stdout).toContain('~ arguments.x-max-length: 10 → 20  # forces replacement');
    expect((await warren('apply', after, '--auto-approve')).code).toBe(0);
    const live = await mgmt<{ arguments: Record<string, unknown> }>('GET', `/api/queues/${enc(v)}/q`);
    expect(live.body.arguments['x-max-length']).toBe(20);
    const bindings = await mgmt<{ source: string }[]>('GET', `/api/queues/${enc(v)}/q/bindings`);
    expect(bindings.body.map((b) => b.source).sort()).toEqual(['', 'ex']);
  });

  it('lists a removed binding as unmanaged, and deletes it with --prune', async () => {
    const v = await vhost('prune-binding');
    const withBinding = queueSpec(v, { q: { bind: [{ exchange: 'ex', routing_key: 'a' }, { exchange: 'ex', routing_key: 'b', arguments: { n: 1 } }] } });
    expect((await warren('apply', withBinding, '--auto-approve')).code).toBe(0);
    const without = queueSpec(v, { q: { bind: [{ exchange: 'ex', routing_key: 'a' }] } });
    const plan = await planJson(without);
    expect(plan.changes).toEqual([]);
    expect(plan.unmanaged.filter((u) => u.kind === 'binding')).toMatchObject([{ kind: 'binding', name: 'ex -> q [b] {"n":1}' }]);
    const pruned = await planJson(without, '--prune');
    expect(pruned.changes.map((c) => `${c.action} ${c.kind}`)).toEqual(['delete binding']);
    expect((await warren('apply', without, '--prune', '--auto-approve')).code).toBe(0);
    const live = await mgmt<{ routing_key: string }[]>('GET', `/api/exchanges/${enc(v)}/ex/bindings/source`);
    expect(live.body.map((b) => b.routing_key)).toEqual(['a']);
  });

  it('does not prune a queue that holds a message without --allow-data-loss', async () => {
    const v = await vhost('prune-full');
    const two = queueSpec(v, { keep: {}, full: {} });
    expect((await warren('apply', two, '--auto-approve')).code).toBe(0);
    const pub = await mgmt('POST', `/api/exchanges/${enc(v)}/amq.default/publish`, {
      properties: {}, routing_key: 'full', payload: 'x', payload_encoding: 'string',
    });
    expect(pub.body).toEqual({ routed: true });
    const one = queueSpec(v, { keep: {} });
    const plan = await planJson(one, '--prune');
    expect(plan.hazards.map((h) => h.code)).toEqual(['QUEUE_DATA_LOSS']);
    const refused = await warren('apply', one, '--prune', '--auto-approve');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('QUEUE_DATA_LOSS: queue "full" in vhost');
    expect(refused.stderr).toContain('holds 1 message');
    expect(refused.stderr).toContain('--allow-data-loss');
    expect((await mgmt('GET', `/api/queues/${enc(v)}/full`)).status).toBe(200);
    const forced = await warren('apply', one, '--prune', '--auto-approve', '--allow-data-loss');
    expect(forced.code, forced.stderr).toBe(0);
    expect((await mgmt('GET', `/api/queues/${enc(v)}/full`)).status).toBe(404);
  });

  it('exits 1 on an invalid spec and changes nothing on the broker', async () => {
    const v = `warren-test-invalid-${Date.now()}`;
    const bad = specFile({ version: 1, vhosts: { [v]: { exchanges: { ex: { type: 'direct' } }, queues: { q: { bind: [{ exchange: 'missing' }] } } } } });
    const r = await warren('apply', bad, '--auto-approve');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/topology\.yaml:\d+:\d+: error BINDING_SOURCE_UNDECLARED/);
    expect((await mgmt('GET', `/api/vhosts/${enc(v)}`)).status).toBe(404);
  });

  it('refuses to apply without a terminal unless --auto-approve', async () => {
    const v = await vhost('approve');
    const r = await warren('apply', queueSpec(v, { q: {} }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--auto-approve');
    expect((await mgmt('GET', `/api/queues/${enc(v)}/q`)).status).toBe(404);
  });

  it('never prints credentials, even in errors', async () => {
    const u = new URL(testUrls().management);
    u.password = 'sup3r-s3cret';
    const r = await warren('plan', queueSpec('any', { q: {} }), '--management-url', u.toString());
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain('sup3r-s3cret');
    const closed = await warren('plan', queueSpec('any', { q: {} }), '--management-url', 'http://user:hunter2@127.0.0.1:1');
    expect(closed.code).toBe(1);
    expect(closed.stderr).toContain('127.0.0.1:1');
    expect(closed.stdout + closed.stderr).not.toContain('hunter2');
  });
});
