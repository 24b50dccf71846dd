/** Ownership in the spec (prune, ignore) and the guard on changes that destroy what Warren does not own. */
import { describe, expect, it } from 'vitest';
import { freshVhosts, mgmt } from '../helpers/broker.js';
import { specFile, warren } from '../helpers/cli.js';

const vhost = freshVhosts();
const enc = encodeURIComponent;

describe('ownership', () => {
  it('prune: true deletes undeclared resources; ignore and auto-delete queues are never touched', async () => {
    const v = await vhost('own');
    const base = { exchanges: { events: { type: 'topic' }, legacy: { type: 'fanout' } }, queues: { keep: {}, old: {}, 'reply-1': {} } };
    expect((await warren('apply', specFile({ version: 1, vhosts: { [v]: base } }), '--auto-approve')).code).toBe(0);
    await mgmt('PUT', `/api/queues/${enc(v)}/session-tmp`, { durable: false, auto_delete: true, arguments: {} });
    await mgmt('POST', `/api/bindings/${enc(v)}/e/events/q/reply-1`, { routing_key: 'r.#', arguments: {} });

    const owned = specFile({
      version: 1,
      vhosts: { [v]: { prune: true, ignore: ['queue:reply-*'], exchanges: { events: { type: 'topic' } }, queues: { keep: {} } } },
    });
    const plan = JSON.parse((await warren('plan', owned, '--format', 'json')).stdout) as { changes: { action: string; kind: string; name: string }[]; unmanaged: unknown[] };
    expect(plan.changes.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual(['delete queue old', 'delete exchange legacy']);
    expect(plan.unmanaged).toEqual([]);
    const applied = await warren('apply', owned, '--auto-approve');
    expect(applied.code, applied.stderr).toBe(0);
    for (const [q, status] of [['old', 404], ['reply-1', 200], ['session-tmp', 200], ['keep', 200]] as const) {
      expect((await mgmt('GET', `/api/queues/${enc(v)}/${q}`)).status, q).toBe(status);
    }
    const bindings = await mgmt<{ destination: string }[]>('GET', `/api/exchanges/${enc(v)}/events/bindings/source`);
    expect(bindings.body.map((b) => b.destination)).toEqual(['reply-1']);
  });

  it('refuses to delete an exchange that other teams’ queues are bound to, unless --allow-destructive', async () => {
    const v = await vhost('destructive');
    const spec = (exchanges: Record<string, unknown>): string =>
      specFile({ version: 1, vhosts: { [v]: { prune: true, ignore: ['queue:team-b-*'], exchanges, queues: { mine: {} } } } });
    const first = await warren('apply', spec({ shared: { type: 'fanout' } }), '--auto-approve');
    expect(first.code, first.stderr + first.stdout).toBe(0);
    await mgmt('PUT', `/api/queues/${enc(v)}/team-b-inbox`, { durable: true, auto_delete: false, arguments: {} });
    await mgmt('POST', `/api/bindings/${enc(v)}/e/shared/q/team-b-inbox`, { routing_key: '', arguments: {} });

    const refused = await warren('apply', spec({}), '--auto-approve');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('FOREIGN_BINDINGS_DROPPED: deleting exchange "shared"');
    expect(refused.stderr).toContain('shared -> team-b-inbox []');
    expect(refused.stderr).toContain('--allow-destructive');
    expect((await mgmt('GET', `/api/exchanges/${enc(v)}/shared`)).status).toBe(200);

    const forced = await warren('apply', spec({}), '--auto-approve', '--allow-destructive');
    expect(forced.code, forced.stderr + forced.stdout).toBe(0);
    expect((await mgmt('GET', `/api/exchanges/${enc(v)}/shared`)).status).toBe(404);
    expect((await mgmt('GET', `/api/queues/${enc(v)}/team-b-inbox`)).status).toBe(200);
  });
});
