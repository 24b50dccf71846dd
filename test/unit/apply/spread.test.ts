import { describe, expect, it } from 'vitest';
import { spreadBySource } from '../../../src/apply/execute.js';
import { bindingName, resourceKey } from '../../../src/model/keys.js';
import type { PlannedChange } from '../../../src/model/plan.js';
import type { BindingResource } from '../../../src/model/types.js';

const bind = (source: string, destination: string): PlannedChange => {
  const id = { vhost: 'v', source, destination, destination_type: 'queue' as const, routing_key: '', arguments: {} };
  const after: BindingResource = { kind: 'binding', ...id, name: bindingName(id) };
  return { action: 'create', kind: 'binding', vhost: 'v', name: after.name, key: resourceKey(after), fields: [], reasons: [], after, phase: 'bind' };
};

describe('spreadBySource', () => {
  it('runs bindings round-robin over their source exchanges, each exchange in plan order', () => {
    const plan = [bind('a', 'q1'), bind('a', 'q2'), bind('a', 'q3'), bind('b', 'q1'), bind('c', 'q1'), bind('c', 'q2')];
    const order = spreadBySource(plan.map((c, i) => [i, c] as const)).map(([i]) => i);
    expect(order).toEqual([0, 3, 4, 1, 5, 2]);
  });

  it('leaves everything else in plan order', () => {
    const after = { kind: 'queue', vhost: 'v', name: 'q', type: 'classic', durable: true, auto_delete: false, arguments: {} } as const;
    const queue: PlannedChange = { action: 'create', kind: 'queue', vhost: 'v', name: 'q', key: resourceKey(after), fields: [], reasons: [], after, phase: 'queues' };
    const items = [0, 1, 2].map((i) => [i, queue] as const);
    expect(spreadBySource(items).map(([i]) => i)).toEqual([0, 1, 2]);
  });
});

describe('spreadBySource at scale', () => {
  it('stays linear with one large group among many small ones', () => {
    const items = [...Array.from({ length: 20_000 }, (_, i) => bind('big', `q${i}`)), ...Array.from({ length: 20_000 }, (_, i) => bind(`x${i}`, 'q'))].map(
      (c, i) => [i, c] as const,
    );
    const t = performance.now();
    const out = spreadBySource(items);
    expect(out).toHaveLength(40_000);
    expect(new Set(out.map(([i]) => i)).size).toBe(40_000);
    // A hang guard (linear: milliseconds; quadratic: minutes), loose for a loaded machine.
    expect(performance.now() - t).toBeLessThan(5_000);
  });
});
