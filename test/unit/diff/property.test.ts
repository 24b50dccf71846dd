/**
 * Properties of the pure diff over arbitrary resource sets of every kind:
 * - it never throws, and every change it returns is well-formed;
 * - diff(x, x) is empty (no change, nothing unmanaged, no error);
 * - actions carry the sides they need (a create has no `before`, a delete no
 *   `after`, an update or replace names its fields), one change per key.
 * 300 runs each (3,000 with WARREN_DEEP=1).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diff } from '../../../src/diff/diff.js';
import { bindingName, parameterName, resourceKey, topicPermissionName, userLimitName } from '../../../src/model/keys.js';
import { GLOBAL_KINDS, type ArgValue, type Args, type Desired, type GlobalKind, type Observed, type Resource } from '../../../src/model/types.js';
import { Sensitive } from '../../../src/util/sensitive.js';

const RUNS = process.env.WARREN_DEEP === '1' ? 3_000 : 300;

const name = fc.oneof(fc.constantFrom('a', 'b', 'q', 'amq.topic', ''), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }));
const vhostName = fc.constantFrom('v', '/', 'w x', 'ü');
const argValue: fc.Arbitrary<ArgValue> = fc.letrec<{ v: ArgValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 5 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie('v'), { maxKeys: 3 }),
  ),
})).v;
const args: fc.Arbitrary<Args> = fc.dictionary(fc.oneof(fc.constantFrom('x-max-length', 'x-queue-mode', 'alternate-exchange', 'x-match'), fc.string({ maxLength: 5 })), argValue, { maxKeys: 3 });

const resource: fc.Arbitrary<Resource> = fc.oneof(
  fc.record({ vhost: vhostName, description: fc.string({ maxLength: 5 }), tags: fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }), dqt: fc.constantFrom('classic', 'quorum', 'stream') as fc.Arbitrary<'classic' | 'quorum' | 'stream'> })
    .map(({ vhost, description, tags, dqt }): Resource => ({ kind: 'vhost', vhost, name: vhost, description, tags, default_queue_type: dqt })),
  fc.record({ vhost: vhostName, name, type: fc.constantFrom('direct', 'fanout', 'topic', 'headers', 'x-consistent-hash', 'x-nope'), durable: fc.boolean(), auto_delete: fc.boolean(), internal: fc.boolean(), arguments: args })
    .map((e): Resource => ({ kind: 'exchange', ...e })),
  fc.record({ vhost: vhostName, name, type: fc.constantFrom('classic', 'quorum', 'stream') as fc.Arbitrary<'classic' | 'quorum' | 'stream'>, durable: fc.boolean(), auto_delete: fc.boolean(), arguments: args, messages: fc.option(fc.nat(5), { nil: undefined }) })
    .map(({ messages, ...q }): Resource => ({ kind: 'queue', ...q, ...(messages === undefined ? {} : { messages, consumers: 0 }) })),
  fc.record({ vhost: vhostName, source: name, destination: name, destination_type: fc.constantFrom('queue', 'exchange') as fc.Arbitrary<'queue' | 'exchange'>, routing_key: fc.string({ maxLength: 5 }), arguments: args })
    .map((b): Resource => ({ kind: 'binding', ...b, name: bindingName(b) })),
  fc.record({ vhost: vhostName, name: fc.constantFrom('max-queues', 'max-connections'), value: fc.integer({ min: 0, max: 1000 }) }).map((l): Resource => ({ kind: 'vhost_limit', ...l })),
  fc.record({ name, tags: fc.array(fc.constantFrom('administrator', 'monitoring', 'x'), { maxLength: 2 }), hash: fc.option(fc.string({ maxLength: 6 }), { nil: undefined }) }).map(
    ({ name: n, tags, hash }): Resource => ({ kind: 'user', vhost: '', name: n, tags, password: hash === undefined ? { kind: 'none' } : { kind: 'hash', hash: new Sensitive(hash), algorithm: 'rabbit_password_hashing_sha256' } }),
  ),
  fc.record({ user: name, limit: fc.constantFrom('max-connections', 'max-channels'), value: fc.integer({ min: 0, max: 100 }) }).map((l): Resource => ({ kind: 'user_limit', vhost: '', name: userLimitName(l.user, l.limit), ...l })),
  fc.record({ vhost: vhostName, name, configure: fc.constantFrom('.*', '', '^a'), write: fc.constantFrom('.*', '', '^a'), read: fc.constantFrom('.*', '', '^a') }).map((p): Resource => ({ kind: 'permission', ...p })),
  fc.record({ vhost: vhostName, user: name, exchange: name, write: fc.constantFrom('.*', '^a'), read: fc.constantFrom('.*', '^a') }).map((p): Resource => ({ kind: 'topic_permission', name: topicPermissionName(p.user, p.exchange), ...p })),
  fc.record({ kind: fc.constantFrom('policy', 'operator_policy') as fc.Arbitrary<'policy' | 'operator_policy'>, vhost: vhostName, name, pattern: fc.string({ maxLength: 4 }), apply_to: fc.constantFrom('queues', 'exchanges', 'all'), priority: fc.integer({ min: -5, max: 5 }), definition: args })
    .map((p): Resource => p),
  fc.record({ vhost: vhostName, component: fc.constantFrom('shovel', 'federation-upstream'), parameter: name, value: argValue }).map((p): Resource => ({ kind: 'parameter', name: parameterName(p.component, p.parameter), ...p })),
  fc.record({ name, value: argValue }).map((p): Resource => ({ kind: 'global_parameter', vhost: '', ...p })),
);

const resourceMap = fc.array(resource, { maxLength: 14 }).map((rs) => new Map(rs.map((r) => [resourceKey(r), r] as const)));
const globalKinds = fc.subarray([...GLOBAL_KINDS]) as fc.Arbitrary<GlobalKind[]>;
const vhostList = fc.uniqueArray(vhostName, { maxLength: 3 });

function desiredOf(resources: ReadonlyMap<string, Resource>, vhosts: readonly string[], kinds: readonly GlobalKind[]): Desired {
  return { vhosts, resources, globalKinds: kinds };
}
function observedOf(resources: ReadonlyMap<string, Resource>, vhosts: readonly string[]): Observed {
  return { broker: { version: '3.10.8', exchangeTypes: ['direct', 'fanout', 'topic', 'headers', 'x-consistent-hash'] }, vhosts, resources };
}
const options = fc.record({ prune: fc.boolean(), protectedUsers: fc.array(name, { maxLength: 2 }) });

describe('diff properties', () => {
  it('diff(x, x) is empty', () => {
    fc.assert(
      fc.property(resourceMap, vhostList, globalKinds, options, (rs, vhosts, kinds, opts) => {
        // what the spec declares in scope is what is live: the same map on both sides
        const r = diff(desiredOf(rs, vhosts, kinds), observedOf(rs, vhosts), opts);
        expect(r.changes).toEqual([]);
        expect(r.unmanaged).toEqual([]);
        expect(r.warnings.filter((w) => w.severity === 'error')).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on arbitrary inputs, and every change is well-formed', () => {
    fc.assert(
      fc.property(resourceMap, resourceMap, vhostList, vhostList, globalKinds, options, (want, live, dv, ov, kinds, opts) => {
        const r = diff(desiredOf(want, dv, kinds), observedOf(live, ov), opts);
        for (const c of r.changes) {
          expect(['create', 'update', 'replace', 'delete']).toContain(c.action);
          // A create has no `before`, except a re-creation of what a replaced vhost, exchange or queue drops (it exists live until then).
          if (c.action === 'create' && c.before !== undefined) expect(c.reasons.join(' ')).toMatch(/^re-created: .* is replaced/);
          if (c.action === 'delete') expect(c.after).toBeUndefined();
          if (c.action === 'update' || c.action === 'replace') expect(c.fields.length).toBeGreaterThan(0);
          if (c.action === 'delete' && !opts.prune) {
            // without prune only what the spec asks (or a replace) deletes; an undeclared live resource never is
            expect(want.has(c.key) || [...want.values()].some((w) => w.kind === 'vhost')).toBe(true);
          }
        }
        // at most one change per key
        expect(new Set(r.changes.map((c) => `${c.action}\u0000${c.key}`)).size).toBe(r.changes.length);
      }),
      { numRuns: RUNS },
    );
  });
});
