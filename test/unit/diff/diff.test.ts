import { describe, expect, it } from 'vitest';
import { diff } from '../../../src/diff/diff.js';
import { bindingKey, bindingName, resourceKey } from '../../../src/model/keys.js';
import type { Args, BindingResource, Desired, ExchangeResource, Observed, QueueResource, Resource, VhostResource } from '../../../src/model/types.js';

const vhost = (name: string): VhostResource => ({ kind: 'vhost', vhost: name, name, description: '', tags: [], default_queue_type: 'classic' });
const exchange = (name: string, over: Partial<ExchangeResource> = {}): ExchangeResource => ({
  kind: 'exchange', vhost: 'v', name, type: 'direct', durable: true, auto_delete: false, internal: false, arguments: {}, ...over,
});
const queue = (name: string, over: Partial<QueueResource> = {}): QueueResource => ({
  kind: 'queue', vhost: 'v', name, type: 'classic', durable: true, auto_delete: false, arguments: {}, ...over,
});
const binding = (source: string, destination: string, routing_key = '', args: Args = {}, over: Partial<BindingResource> = {}): BindingResource => {
  const id = { vhost: 'v', source, destination, destination_type: 'queue' as const, routing_key, arguments: args };
  return { kind: 'binding', ...id, name: bindingName(id), ...over };
};
const map = (...rs: Resource[]): Map<string, Resource> => new Map(rs.map((r) => [resourceKey(r), r]));
const desired = (...rs: Resource[]): Desired => ({ vhosts: ['v'], resources: map(vhost('v'), ...rs) });
const observed = (...rs: Resource[]): Observed => ({
  broker: { version: '3.10.8', exchangeTypes: ['direct', 'fanout', 'topic', 'headers'] },
  vhosts: ['v'],
  resources: map(vhost('v'), ...rs),
});

describe('diff', () => {
  it('is empty for identical topologies', () => {
    const rs = [exchange('x'), queue('q', { arguments: { 'x-max-length': 10 } }), binding('x', 'q', 'k', { n: 1 })];
    expect(diff(desired(...rs), observed(...rs), { prune: true })).toEqual({ changes: [], unmanaged: [], warnings: [] });
  });

  it('leaves the bindings of a classic queue whose node is down alone, and says so', () => {
    const d = desired(exchange('x'), queue('down'), queue('up'), binding('x', 'down', 'a'), binding('x', 'down', 'b'), binding('x', 'up', 'c'));
    // The broker lists neither of the down queue's bindings; the live queue's one is really missing.
    const r = diff(d, observed(exchange('x'), queue('down', { unavailable: 'its node rabbit@b is down' }), queue('up')), { prune: true });
    expect(r.changes.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual(['create binding x -> up [c]']);
    expect(r.warnings).toEqual([
      {
        code: 'QUEUE_UNAVAILABLE',
        severity: 'warning',
        message:
          'queue "down" in vhost "v" is unavailable: its node rabbit@b is down; the plan leaves its 2 declared bindings alone, because RabbitMQ neither lists nor changes the bindings of a queue that is down; start the node and plan again',
      },
    ]);
    expect(r.unmanaged).toEqual([]);
  });

  it('creates what is missing, including the vhost', () => {
    const d = desired(exchange('x'), queue('q'), binding('x', 'q'));
    const o: Observed = { broker: { version: '3.10.8', exchangeTypes: [] }, vhosts: ['v'], resources: new Map() };
    const r = diff(d, o, { prune: false });
    expect(r.changes.map((c) => `${c.action} ${c.kind} ${c.name}`).sort()).toEqual([
      'create binding x -> q []',
      'create exchange x',
      'create queue q',
      'create vhost v',
    ]);
  });

  it('replaces a queue whose argument changed, with the field that forces it', () => {
    const r = diff(desired(queue('q', { arguments: { 'x-max-length': 20 } })), observed(queue('q', { arguments: { 'x-max-length': 10 } })), { prune: false });
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0]).toMatchObject({
      action: 'replace',
      kind: 'queue',
      name: 'q',
      fields: [{ field: 'arguments.x-max-length', before: 10, after: 20, forces_replacement: true }],
      reasons: ['arguments.x-max-length cannot be changed in place'],
    });
  });

  it('compares argument values with their types: 1000 and "1000" differ', () => {
    const r = diff(desired(queue('q', { arguments: { 'x-max-length': 1000 } })), observed(queue('q', { arguments: { 'x-max-length': '1000' } })), { prune: false });
    expect(r.changes[0]?.action).toBe('replace');
  });

  it('replaces on every immutable exchange field, including arguments the broker would silently keep', () => {
    for (const over of [{ type: 'topic' }, { durable: false }, { auto_delete: true }, { internal: true }, { arguments: { foo: 'bar' } }]) {
      const r = diff(desired(exchange('x', over)), observed(exchange('x')), { prune: false });
      expect(r.changes.map((c) => c.action)).toEqual(['replace']);
    }
  });

  it('re-creates the bindings of a replaced queue, and lists the unmanaged ones the broker drops', () => {
    const b = binding('x', 'q', 'k');
    const stray = binding('x', 'q', 'other');
    const r = diff(desired(exchange('x'), queue('q', { type: 'quorum' }), b), observed(exchange('x'), queue('q'), b, stray), { prune: false });
    expect(r.changes.map((c) => `${c.action} ${c.kind}`)).toEqual(['replace queue', 'create binding']);
    expect(r.changes[1]?.reasons[0]).toMatch(/queue "q" is replaced/);
    expect(r.warnings).toEqual([]);
    expect(r.unmanaged.map((u) => u.name)).toEqual([stray.name]);
  });

  it('lists live resources the spec does not declare as unmanaged, or deletes them with prune', () => {
    const extra = queue('extra', { messages: 3 });
    const b = binding('x', 'extra', 'k');
    const keep = diff(desired(exchange('x')), observed(exchange('x'), extra, b), { prune: false });
    expect(keep.changes).toEqual([]);
    expect(keep.unmanaged).toEqual([
      { kind: 'queue', vhost: 'v', name: 'extra', key: resourceKey(extra), messages: 3 },
      { kind: 'binding', vhost: 'v', name: b.name, key: bindingKey(b) },
    ]);
    const pruned = diff(desired(exchange('x')), observed(exchange('x'), extra, b), { prune: true });
    expect(pruned.changes.map((c) => `${c.action} ${c.kind}`)).toEqual(['delete queue', 'delete binding']);
  });

  it('ignores resources of vhosts outside the spec', () => {
    const other = { ...queue('q'), vhost: 'other' };
    expect(diff(desired(), observed(other), { prune: true }).changes).toEqual([]);
  });

  it('updates vhost metadata in place', () => {
    const d: Desired = { vhosts: ['v'], resources: map({ ...vhost('v'), description: 'new', tags: ['a'] }) };
    const r = diff(d, observed(), { prune: false });
    expect(r.changes[0]).toMatchObject({ action: 'update', kind: 'vhost', fields: [
      { field: 'description', before: '', after: 'new', forces_replacement: false },
      { field: 'tags', before: [], after: ['a'], forces_replacement: false },
    ] });
  });

  it('takes linear time: twice the resources takes well under four times as long', () => {
    const build = (n: number): [Desired, Observed] => {
      const rs: Resource[] = [exchange('x')];
      for (let i = 0; i < n; i++) rs.push(queue(`q${i}`), binding('x', `q${i}`, `k${i}`));
      const live = rs.map((r) => (r.kind === 'queue' && Number(r.name.slice(1)) % 10 === 0 ? { ...r, arguments: { 'x-max-length': 1 } } : r));
      return [{ ...desired(), resources: new Map(rs.map((r) => [resourceKey(r), r])) }, { ...observed(), resources: new Map(live.map((r) => [resourceKey(r), r])) }];
    };
    // The fastest of several runs: the machine is shared, and a slow run says nothing about the algorithm.
    const time = (n: number): number => {
      const [d, o] = build(n);
      diff(d, o, { prune: true }); // warm up
      let best = Infinity;
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        diff(d, o, { prune: true });
        best = Math.min(best, performance.now() - t);
      }
      return best;
    };
    // Sizes past the point where V8's maps settle (below ~40k a doubling can cost 4× in rehashing alone).
    const small = time(40_000);
    const large = time(80_000);
    expect(large / small).toBeLessThan(4);
  }, 60_000);
});

describe('diff: the broker-owned global parameters', () => {
  const param = (name: string, value: unknown): Resource => ({ kind: 'global_parameter', vhost: '', name, value: value as never });
  const live = observed(param('cluster_name', 'rabbit@a'), param('cluster_tags', []), param('other', 1));

  it('compares cluster_name only when declared, and never lists or prunes it (nor cluster_tags) otherwise', () => {
    const undeclared: Desired = { ...desired(), globalKinds: ['global_parameter'] };
    const r = diff(undeclared, live, { prune: true });
    expect(r.changes.map((c) => `${c.action} ${c.name}`)).toEqual(['delete other']);
    expect(r.unmanaged).toEqual([]);

    const same = diff({ ...desired(param('cluster_name', 'rabbit@a'), param('other', 1)), globalKinds: ['global_parameter'] }, live, { prune: true });
    expect(same.changes).toEqual([]);
    const renamed = diff({ ...desired(param('cluster_name', 'renamed'), param('other', 1)), globalKinds: ['global_parameter'] }, live, { prune: true });
    expect(renamed.changes.map((c) => `${c.action} ${c.name}`)).toEqual(['update cluster_name']);
  });
});
