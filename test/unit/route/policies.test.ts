import { describe, expect, it } from 'vitest';
import { renderRouteText, routeMessage, type RouteMessage } from '../../../src/route/index.js';
import { binding, exchange, policy, queue, topo, typedQueue, VHOST } from './fixtures.js';

const msg = (exchangeName: string, routingKey: string): RouteMessage => ({ vhost: VHOST, exchange: exchangeName, routingKey });

describe('alternate exchange set by a policy', () => {
  const base = [exchange('ex', 'direct'), exchange('ae', 'fanout'), queue('caught'), binding('ae', 'caught'), queue('hit'), binding('ex', 'hit', 'yes')];

  it('is used when the exchange matches nothing (the user report)', () => {
    const t = topo(...base, policy('ae', '^ex$', { 'alternate-exchange': 'ae' }, { applyTo: 'exchanges' }));
    const r = routeMessage(t, msg('ex', 'nope'));
    expect(r.queues).toEqual(['caught']);
    expect(r.unroutable).toBe(false);
    expect(r.paths[0]?.hops[0]).toEqual({ exchange: 'ex', type: 'direct', via: 'alternate-exchange', policy: 'ae', to: { kind: 'exchange', name: 'ae' } });
    expect(renderRouteText(r)).toBe('caught  ← ae (fanout) [] ← ex (direct) [alternate exchange, policy ae]');
    expect(routeMessage(t, msg('ex', 'yes')).queues).toEqual(['hit']);
  });

  it('matches the name unanchored, and only with apply-to exchanges or all', () => {
    expect(routeMessage(topo(...base, policy('p', 'x', { 'alternate-exchange': 'ae' })), msg('ex', 'nope')).queues).toEqual(['caught']);
    expect(routeMessage(topo(...base, policy('p', '^e$', { 'alternate-exchange': 'ae' })), msg('ex', 'nope')).unroutable).toBe(true);
    for (const applyTo of ['queues', 'classic_queues', 'quorum_queues', 'streams']) {
      const t = topo(...base, policy('p', '^ex$', { 'alternate-exchange': 'ae' }, { applyTo }));
      expect(routeMessage(t, msg('ex', 'nope')).unroutable, applyTo).toBe(true);
    }
  });

  it('loses to the alternate-exchange argument', () => {
    const t = topo(
      ...base.filter((r) => r.kind !== 'exchange' || r.name !== 'ex'),
      exchange('ex', 'direct', { arguments: { 'alternate-exchange': 'by-arg' } }),
      exchange('by-arg', 'fanout'),
      queue('arg-caught'),
      binding('by-arg', 'arg-caught'),
      policy('ae', '^ex$', { 'alternate-exchange': 'ae' }, { applyTo: 'exchanges', priority: 100 }),
    );
    const r = routeMessage(t, msg('ex', 'nope'));
    expect(r.queues).toEqual(['arg-caught']);
    expect(r.paths[0]?.hops[0]?.policy).toBeUndefined();
  });

  it('comes from the highest priority policy only: one without the key hides a lower one with it', () => {
    const other = [exchange('ae2', 'fanout'), queue('caught2'), binding('ae2', 'caught2')];
    const low = policy('low', '^ex', { 'alternate-exchange': 'ae' }, { priority: 1 });
    const high = policy('high', 'ex', { 'alternate-exchange': 'ae2' }, { priority: 2 });
    expect(routeMessage(topo(...base, ...other, low, high), msg('ex', 'nope')).queues).toEqual(['caught2']);
    const hiding = policy('hiding', 'ex', { 'max-length': 5 }, { priority: 2 });
    const r = routeMessage(topo(...base, low, hiding), msg('ex', 'nope'));
    expect(r.unroutable).toBe(true);
    // equal priority: the first by name (the broker's listing order; `tie-a` won on 3.10.8)
    const tieA = policy('tie-a', 'ex', { 'alternate-exchange': 'ae2' });
    const tieB = policy('tie-b', 'ex', { 'alternate-exchange': 'ae' });
    expect(routeMessage(topo(...base, ...other, tieB, tieA), msg('ex', 'nope')).queues).toEqual(['caught2']);
  });

  it('ignores operator policies and policies of other vhosts', () => {
    const t = topo(
      ...base,
      policy('op', 'ex', { 'alternate-exchange': 'ae' }, { operator: true, priority: 9 }),
      policy('elsewhere', 'ex', { 'alternate-exchange': 'ae' }, { vhost: 'other' }),
    );
    expect(routeMessage(t, msg('ex', 'nope')).unroutable).toBe(true);
  });

  it('chains and is cycle-safe like an argument one', () => {
    const t = topo(exchange('a', 'direct'), exchange('b', 'direct'), policy('all', '^[ab]$', { 'alternate-exchange': 'b' }));
    const r = routeMessage(t, msg('a', 'k'));
    expect(r.unroutable).toBe(true);
    expect(r.reasons.at(-1)).toContain('alternate exchange `b` of `b` was already visited');
  });

  it('never applies to the default exchange', () => {
    const t = topo(...base, policy('everything', '.*', { 'alternate-exchange': 'ae' }));
    expect(routeMessage(t, msg('', 'nope')).unroutable).toBe(true);
  });
});

describe('dead-letter exchange set by a policy', () => {
  const base = [exchange('work', 'direct'), exchange('dlx', 'topic'), queue('dead'), binding('dlx', 'dead', 'dead.#'), queue('dead-orig'), binding('dlx', 'dead-orig', 'job')];

  it('is followed with the policy routing key', () => {
    const t = topo(...base, queue('jobs'), binding('work', 'jobs', 'job'), policy('dl', '^jobs$', { 'dead-letter-exchange': 'dlx', 'dead-letter-routing-key': 'dead.jobs' }, { applyTo: 'queues' }));
    const r = routeMessage(t, msg('work', 'job'), { followDeadLetter: true });
    expect(r.deadLetter).toHaveLength(1);
    expect(r.deadLetter?.[0]).toMatchObject({ queue: 'jobs', exchange: 'dlx', routingKey: 'dead.jobs', policy: 'dl', cycle: false });
    expect(r.deadLetter?.[0]?.result.queues).toEqual(['dead']);
    expect(renderRouteText(r)).toContain('dead-lettered from jobs → dlx (policy dl) with key `dead.jobs`:');
  });

  it('without a routing key reuses the original key; apply-to exchanges does not apply', () => {
    const t = topo(...base, queue('jobs'), binding('work', 'jobs', 'job'), policy('dl', 'jobs', { 'dead-letter-exchange': 'dlx' }));
    expect(routeMessage(t, msg('work', 'job'), { followDeadLetter: true }).deadLetter?.[0]?.result.queues).toEqual(['dead-orig']);
    const notQueues = topo(...base, queue('jobs'), binding('work', 'jobs', 'job'), policy('dl', 'jobs', { 'dead-letter-exchange': 'dlx' }, { applyTo: 'exchanges' }));
    expect(routeMessage(notQueues, msg('work', 'job'), { followDeadLetter: true }).deadLetter).toBeUndefined();
  });

  it('loses to the arguments, key by key', () => {
    const pol = policy('dl', 'jobs', { 'dead-letter-exchange': 'elsewhere', 'dead-letter-routing-key': 'dead.policy' });
    const t = topo(...base, queue('jobs', { 'x-dead-letter-exchange': 'dlx' }), binding('work', 'jobs', 'job'), pol);
    const d = routeMessage(t, msg('work', 'job'), { followDeadLetter: true }).deadLetter?.[0];
    // the exchange is the argument's, the key (no argument) the policy's
    expect(d).toMatchObject({ exchange: 'dlx', routingKey: 'dead.policy', policy: 'dl' });
    expect(d?.result.queues).toEqual(['dead']);
    const both = topo(...base, queue('jobs', { 'x-dead-letter-exchange': 'dlx', 'x-dead-letter-routing-key': 'job' }), binding('work', 'jobs', 'job'), pol);
    const d2 = routeMessage(both, msg('work', 'job'), { followDeadLetter: true }).deadLetter?.[0];
    expect(d2).toMatchObject({ exchange: 'dlx', routingKey: 'job' });
    expect(d2?.policy).toBeUndefined();
  });

  it('a policy with a key the quorum queue type does not support does not apply to it; the next one does', () => {
    const t = topo(
      ...base,
      exchange('dlx-lazy', 'fanout'),
      queue('lazy-dead'),
      binding('dlx-lazy', 'lazy-dead'),
      typedQueue('qq', 'quorum'),
      queue('cq'),
      binding('work', 'qq', 'job'),
      binding('work', 'cq', 'job'),
      policy('lazy', 'q$', { 'queue-mode': 'lazy', 'dead-letter-exchange': 'dlx-lazy' }, { priority: 10 }),
      policy('plain', 'q$', { 'dead-letter-exchange': 'dlx', 'dead-letter-routing-key': 'dead.x' }, { priority: 1 }),
    );
    const r = routeMessage(t, msg('work', 'job'), { followDeadLetter: true });
    expect(r.deadLetter?.map((d) => [d.queue, d.exchange, d.policy, d.result.queues])).toEqual([
      ['cq', 'dlx-lazy', 'lazy', ['lazy-dead']],
      ['qq', 'dlx', 'plain', ['dead']],
    ]);
  });

  it('apply-to quorum_queues and streams select by type; streams do not dead-letter by policy', () => {
    const t = topo(
      ...base,
      typedQueue('qq', 'quorum'),
      queue('cq'),
      typedQueue('sq', 'stream'),
      ...['qq', 'cq', 'sq'].map((q) => binding('work', q, 'job')),
      policy('quorum-only', 'q$', { 'dead-letter-exchange': 'dlx' }, { applyTo: 'quorum_queues' }),
      policy('any', 'sq', { 'dead-letter-exchange': 'dlx' }, { applyTo: 'queues' }),
    );
    const r = routeMessage(t, msg('work', 'job'), { followDeadLetter: true });
    expect(r.deadLetter?.map((d) => d.queue)).toEqual(['qq']);
  });
});
