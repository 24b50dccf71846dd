import { describe, expect, it } from 'vitest';
import { diff } from '../../../src/diff/diff.js';
import { bindingName, resourceKey } from '../../../src/model/keys.js';
import type { Desired, Observed, Resource } from '../../../src/model/types.js';
import { buildPlan } from '../../../src/plan/plan.js';

// The whole pure path of a large first apply: diff against an empty vhost,
// then order (a sort: n log n), hazards, fingerprint and summary.
function topology(n: number): Desired {
  const rs: Resource[] = [{ kind: 'vhost', vhost: 'v', name: 'v', description: '', tags: [], default_queue_type: 'classic' }];
  for (let i = 0; i < n / 100; i++) rs.push({ kind: 'exchange', vhost: 'v', name: `x${i}`, type: 'topic', durable: true, auto_delete: false, internal: false, arguments: {} });
  for (let i = 0; i < n; i++) {
    rs.push({ kind: 'queue', vhost: 'v', name: `q${i}`, type: 'classic', durable: true, auto_delete: false, arguments: {} });
    const id = { vhost: 'v', source: `x${i % (n / 100)}`, destination: `q${i}`, destination_type: 'queue' as const, routing_key: `k.${i}`, arguments: {} };
    rs.push({ kind: 'binding', ...id, name: bindingName(id) });
  }
  return { vhosts: ['v'], resources: new Map(rs.map((r) => [resourceKey(r), r])) };
}

const empty: Observed = { broker: { version: '3.10.8', exchangeTypes: ['topic'] }, vhosts: ['v'], resources: new Map() };
const ctx = { warrenVersion: 'test', brokerVersion: '3.10.8', vhosts: ['v'], prune: false };

/** Best of five: the least disturbed by the rest of the machine (tests run in parallel). */
function time(d: Desired): number {
  buildPlan(diff(d, empty, { prune: false }), ctx); // warm up
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    buildPlan(diff(d, empty, { prune: false }), ctx);
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

describe('diff + plan at scale', () => {
  it('plans twice the creates in well under four times the time', () => {
    // n log n (the sort) is about 2.1×; anything quadratic would be 4×. Sizes past the point where
    // V8's maps settle (40k and 80k resources: below ~40k a doubling can cost 4× in rehashing alone;
    // 10k/20k queues failed here once on a loaded machine).
    const small = time(topology(20_000));
    const large = time(topology(40_000));
    expect(large / small, `${small.toFixed(1)} ms, then ${large.toFixed(1)} ms`).toBeLessThan(3.5);
  }, 60_000);
});
