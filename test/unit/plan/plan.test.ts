import { describe, expect, it } from 'vitest';
import type { Change } from '../../../src/model/change.js';
import { buildPlan } from '../../../src/plan/plan.js';
import { unallowedHazards } from '../../../src/plan/hazards.js';
import { KINDS, type Kind, type QueueResource, type Resource } from '../../../src/model/types.js';
import { PHASES } from '../../../src/model/plan.js';
import { phaseOf } from '../../../src/plan/order.js';

const q = (name: string, over: Partial<QueueResource> = {}): QueueResource => ({
  kind: 'queue', vhost: 'v', name, type: 'classic', durable: true, auto_delete: false, arguments: {}, ...over,
});
const change = (action: Change['action'], r: Resource, live?: Resource): Change => ({
  action, kind: r.kind, vhost: r.vhost, name: r.name, key: `${r.kind}/${r.name}`, fields: [], reasons: [],
  ...(action === 'delete' ? { before: r } : { after: r, ...(live ? { before: live } : {}) }),
});
const ctx = { warrenVersion: '0.1.0', brokerVersion: '3.10.8', vhosts: ['v'], prune: true };

describe('buildPlan', () => {
  it('orders creates outward-in and deletes in reverse, after every create', () => {
    const changes: Change[] = [
      change('delete', { kind: 'exchange', vhost: 'v', name: 'old-x', type: 'direct', durable: true, auto_delete: false, internal: false, arguments: {} }),
      change('create', { kind: 'binding', vhost: 'v', name: 'b', source: 'x', destination: 'q', destination_type: 'queue', routing_key: '', arguments: {} }),
      change('delete', q('old-q', { messages: 0 })),
      change('create', q('q')),
      change('delete', { kind: 'binding', vhost: 'v', name: 'old-b', source: 'x', destination: 'q', destination_type: 'queue', routing_key: 'o', arguments: {} }),
      change('create', { kind: 'exchange', vhost: 'v', name: 'x', type: 'direct', durable: true, auto_delete: false, internal: false, arguments: {} }),
      change('create', { kind: 'vhost', vhost: 'v', name: 'v', description: '', tags: [], default_queue_type: 'classic' }),
    ];
    const plan = buildPlan({ changes, unmanaged: [], warnings: [] }, ctx);
    expect(plan.changes.map((c) => `${c.phase} ${c.name}`)).toEqual([
      'vhosts v', 'exchanges x', 'queues q', 'bind b', 'unbind old-b', 'delete-queues old-q', 'delete-exchanges old-x',
    ]);
    expect(plan.summary).toEqual({ create: 4, update: 0, replace: 0, delete: 3, unmanaged: 0 });
    expect(plan.format_version).toBe(1);
  });

  it('flags deleting or replacing a queue that holds messages or has consumers', () => {
    const plan = buildPlan({
      changes: [
        change('delete', q('full', { messages: 12, consumers: 0 })),
        change('replace', q('busy', { type: 'quorum' }), q('busy', { messages: 0, consumers: 2 })),
        change('delete', q('empty', { messages: 0, consumers: 0 })),
        change('delete', q('unknown')),
      ],
      unmanaged: [],
      warnings: [],
    }, ctx);
    expect(plan.hazards.map((h) => `${h.code} ${h.message}`)).toEqual([
      'QUEUE_HAS_CONSUMERS queue "busy" in vhost "v" has 2 consumers; replacing it cancels them',
      'QUEUE_DATA_LOSS queue "full" in vhost "v" holds 12 messages; deleting it loses them',
      'QUEUE_MESSAGES_UNKNOWN queue "unknown" in vhost "v": the broker did not report its message count; deleting it may lose messages',
    ]);
    expect(unallowedHazards(plan.hazards, new Set(['--allow-data-loss']))).toEqual([]);
    expect(unallowedHazards(plan.hazards, new Set())).toHaveLength(3);
  });
});

describe('phaseOf', () => {
  /** The kinds a resource of each kind names: it must be written after them, and deleted before them. */
  const NAMES: Record<Kind, readonly Kind[]> = {
    vhost: [],
    user: [],
    permission: ['vhost', 'user'],
    // 4.3 refuses a topic permission whose exchange does not exist yet (400 no_such_exchange)
    topic_permission: ['vhost', 'user', 'exchange'],
    vhost_limit: ['vhost'],
    user_limit: ['user'],
    exchange: ['vhost'],
    queue: ['vhost'],
    binding: ['vhost', 'exchange', 'queue'],
    policy: ['vhost', 'exchange', 'queue'],
    operator_policy: ['vhost', 'exchange', 'queue'],
    // shovels (queues, exchanges, the users of their URIs) and federation upstreams
    parameter: ['vhost', 'user', 'exchange', 'queue'],
    global_parameter: [],
  };
  const at = (kind: Kind, action: Change['action']): number =>
    PHASES.indexOf(phaseOf({ kind, action } as Change));

  it.each(KINDS.flatMap((k) => NAMES[k].map((ref) => [k, ref] as const)))('writes a %s after the %s it names, and deletes it before', (kind, ref) => {
    expect(at(kind, 'create')).toBeGreaterThan(at(ref, 'create'));
    expect(at(kind, 'update')).toBeGreaterThan(at(ref, 'create'));
    if (ref !== 'vhost') expect(at(kind, 'delete')).toBeLessThan(at(ref, 'delete'));
  });

  it('runs every delete after every create', () => {
    const lastCreate = Math.max(...KINDS.map((k) => at(k, 'create')));
    for (const k of KINDS) if (k !== 'vhost') expect(at(k, 'delete')).toBeGreaterThan(lastCreate);
  });
});
