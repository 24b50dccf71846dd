import { describe, expect, it } from 'vitest';
import { routeMessage, topologyFrom, type RouteMessage } from '../../../src/route/index.js';
import { binding, e2e, exchange, queue, topo, VHOST } from './fixtures.js';

const msg = (exchangeName: string, routingKey: string, extra: Partial<RouteMessage> = {}): RouteMessage => ({
  vhost: VHOST,
  exchange: exchangeName,
  routingKey,
  ...extra,
});

describe('seed examples', () => {
  const fanout = topo(exchange('tasks_fanout', 'fanout'), queue('piap'), binding('tasks_fanout', 'piap', 'suo_piao'));
  const direct = topo(
    exchange('tasks', 'direct'),
    ...['hipri', 'midpri', 'lopri'].flatMap((n) => [queue(n), binding('tasks', n, n)]),
  );

  it('fanout: any key reaches piap', () => {
    for (const key of ['suo_piao', 'other', '']) {
      const r = routeMessage(fanout, msg('tasks_fanout', key));
      expect(r.queues).toEqual(['piap']);
      expect(r.unroutable).toBe(false);
      expect(r.paths).toEqual([
        {
          queue: 'piap',
          hops: [{ exchange: 'tasks_fanout', type: 'fanout', via: 'binding', binding: { routingKey: 'suo_piao', arguments: {} }, to: { kind: 'queue', name: 'piap' } }],
        },
      ]);
    }
  });

  it('direct: each priority reaches its queue, anything else none', () => {
    for (const n of ['hipri', 'midpri', 'lopri']) {
      const r = routeMessage(direct, msg('tasks', n));
      expect(r.queues).toEqual([n]);
      expect(r.paths[0]?.hops[0]?.key).toBe(n);
    }
    const r = routeMessage(direct, msg('tasks', 'other'));
    expect(r.queues).toEqual([]);
    expect(r.unroutable).toBe(true);
    expect(r.reasons).toEqual(['exchange `tasks` (direct) has no binding with key `other`; bindings: hipri, midpri, lopri']);
  });
});

describe('direct and topic', () => {
  it('direct is exact and case-sensitive', () => {
    const t = topo(exchange('d', 'direct'), queue('q'), binding('d', 'q', 'Key'));
    expect(routeMessage(t, msg('d', 'Key')).queues).toEqual(['q']);
    expect(routeMessage(t, msg('d', 'key')).queues).toEqual([]);
    expect(routeMessage(t, msg('d', 'Key ')).queues).toEqual([]);
  });

  it('a queue reached by several bindings gets one copy but every matching path is listed', () => {
    const t = topo(exchange('t', 'topic'), queue('q'), binding('t', 'q', 'a.*'), binding('t', 'q', '#'));
    const r = routeMessage(t, msg('t', 'a.b'));
    expect(r.queues).toEqual(['q']);
    expect(r.paths.map((p) => p.hops[0]?.binding?.routingKey)).toEqual(['#', 'a.*']);
  });

  it('two direct bindings differing only in arguments deliver one copy', () => {
    const t = topo(exchange('d', 'direct'), queue('q'), binding('d', 'q', 'k', { a: 1 }), binding('d', 'q', 'k', { a: 2 }));
    expect(routeMessage(t, msg('d', 'k')).queues).toEqual(['q']);
  });

  it('CC keys are extra routing keys', () => {
    const t = topo(exchange('d', 'direct'), queue('a'), queue('b'), queue('c'), binding('d', 'a', 'ka'), binding('d', 'b', 'kb'), binding('d', 'c', 'kc'));
    const r = routeMessage(t, msg('d', 'ka', { cc: ['kb'], bcc: ['kc'] }));
    expect(r.queues).toEqual(['a', 'b', 'c']);
    expect(r.paths.map((p) => p.hops[0]?.key)).toEqual(['ka', 'kb', 'kc']);
    const miss = routeMessage(t, msg('d', 'x', { cc: ['y'] }));
    expect(miss.reasons[0]).toContain('no binding with key `x` or `y`');
  });

  it('topic routes by pattern and explains a miss', () => {
    const t = topo(exchange('logs', 'topic'), queue('errors'), queue('all'), binding('logs', 'errors', '*.error'), binding('logs', 'all', 'app.#'));
    expect(routeMessage(t, msg('logs', 'db.error')).queues).toEqual(['errors']);
    expect(routeMessage(t, msg('logs', 'app.error')).queues).toEqual(['all', 'errors']);
    const r = routeMessage(t, msg('logs', 'db.info'));
    expect(r.reasons).toEqual(['exchange `logs` (topic) has no binding pattern matching key `db.info`; bindings: *.error, app.#']);
  });

  it('refuses a routing key over 255 bytes', () => {
    const t = topo(exchange('logs', 'topic'), queue('q'), binding('logs', 'q', '#'));
    const r = routeMessage(t, msg('logs', 'é'.repeat(128)));
    expect(r.unroutable).toBe(true);
    expect(r.errors?.[0]?.code).toBe('ROUTE_KEY_TOO_LONG');
    expect(routeMessage(t, msg('logs', 'a'.repeat(255))).queues).toEqual(['q']);
  });
});

describe('publish errors', () => {
  const t = topo(exchange('x', 'fanout', { internal: true }), queue('q'), binding('x', 'q'));

  it('an internal exchange refuses publishes', () => {
    const r = routeMessage(t, msg('x', 'k'));
    expect(r.unroutable).toBe(true);
    expect(r.errors?.[0]?.code).toBe('ROUTE_EXCHANGE_INTERNAL');
    expect(r.reasons[0]).toMatch(/^exchange `x` is internal: publishing to it is refused \(403/);
  });

  it('an unknown exchange is an error', () => {
    const r = routeMessage(t, msg('nope', 'k'));
    expect(r.errors?.[0]?.code).toBe('ROUTE_EXCHANGE_NOT_FOUND');
    expect(r.reasons[0]).toBe('exchange `nope` is not declared in vhost `/` (the broker closes the channel with 404 NOT_FOUND)');
  });

  it('an unknown exchange close to a declared one gets a "did you mean"', () => {
    const logs = topo(exchange('orders-events', 'topic'), queue('q'), binding('orders-events', 'q', '#'));
    expect(routeMessage(logs, msg('order-events', 'k')).reasons[0]).toMatch(/404 NOT_FOUND\); did you mean `orders-events`\?$/);
  });

  it('an unknown vhost is an error', () => {
    expect(routeMessage(t, { ...msg('x', 'k'), vhost: 'other' }).errors?.[0]?.code).toBe('ROUTE_VHOST_NOT_FOUND');
  });

  it('amq.* exchanges exist in every vhost, and amq.rabbitmq.trace is internal', () => {
    const t2 = topo(queue('q'), binding('amq.topic', 'q', 'a.#'));
    expect(routeMessage(t2, msg('amq.topic', 'a.b')).queues).toEqual(['q']);
    expect(routeMessage(t2, msg('amq.direct', 'q')).unroutable).toBe(true);
    expect(routeMessage(t2, msg('amq.rabbitmq.trace', 'q')).errors?.[0]?.code).toBe('ROUTE_EXCHANGE_INTERNAL');
  });
});

describe('default exchange', () => {
  const t = topo(queue('jobs'), queue('audit'));

  it('routes to the queue named by the routing key and each CC key', () => {
    const r = routeMessage(t, msg('', 'jobs', { cc: ['audit', 'missing'] }));
    expect(r.queues).toEqual(['audit', 'jobs']);
    expect(r.paths[1]?.hops).toEqual([
      { exchange: '', type: 'direct', via: 'default-exchange', binding: { routingKey: 'jobs', arguments: {} }, key: 'jobs', to: { kind: 'queue', name: 'jobs' } },
    ]);
  });

  it('reaches nothing when no queue has that name', () => {
    const r = routeMessage(t, msg('', 'nope'));
    expect(r.unroutable).toBe(true);
    expect(r.reasons[0]).toContain('no queue `nope`');
  });

  it('uses only queues of the same vhost', () => {
    const other = topologyFrom(new Map([['q', queue('jobs', {}, 'other')]]));
    expect(routeMessage(other, msg('', 'jobs')).errors?.[0]?.code).toBe('ROUTE_VHOST_NOT_FOUND');
    expect(routeMessage(other, { ...msg('', 'jobs'), vhost: 'other' }).queues).toEqual(['jobs']);
  });
});

describe('exchange-to-exchange', () => {
  it('follows bindings recursively and reaches internal exchanges', () => {
    const t = topo(
      exchange('in', 'topic'),
      exchange('mid', 'fanout', { internal: true }),
      queue('q'),
      e2e('in', 'mid', 'orders.*'),
      binding('mid', 'q', 'ignored'),
    );
    const r = routeMessage(t, msg('in', 'orders.new'));
    expect(r.queues).toEqual(['q']);
    expect(r.paths[0]?.hops.map((h) => [h.exchange, h.to.kind, h.to.name])).toEqual([
      ['in', 'exchange', 'mid'],
      ['mid', 'queue', 'q'],
    ]);
  });

  it('is cycle-safe and delivers one copy', () => {
    const t = topo(
      exchange('c1', 'fanout'),
      exchange('c2', 'fanout'),
      queue('q'),
      e2e('c1', 'c2'),
      e2e('c2', 'c1'),
      binding('c1', 'q'),
      binding('c2', 'q'),
    );
    const r = routeMessage(t, msg('c1', ''));
    expect(r.queues).toEqual(['q']);
    expect(r.paths).toHaveLength(2);
  });

  it('a self-binding does not loop', () => {
    const t = topo(exchange('s', 'fanout'), e2e('s', 's'));
    const r = routeMessage(t, msg('s', ''));
    expect(r.unroutable).toBe(true);
    expect(r.reasons.join('\n')).toContain('already visited');
  });

  it('skips missing destinations with a warning', () => {
    const t = topo(exchange('f', 'fanout'), queue('q'), binding('f', 'q'), e2e('f', 'ghost'), binding('f', 'gone'));
    const r = routeMessage(t, msg('f', ''));
    expect(r.queues).toEqual(['q']);
    expect(r.warnings?.map((w) => w.code)).toEqual(['ROUTE_DESTINATION_MISSING', 'ROUTE_DESTINATION_MISSING']);
  });

  it('handles a long chain and a wide fan-out', () => {
    const n = 500;
    const chain = [
      ...Array.from({ length: n }, (_, i) => exchange(`x${i}`, 'fanout')),
      ...Array.from({ length: n - 1 }, (_, i) => e2e(`x${i}`, `x${i + 1}`)),
      ...Array.from({ length: n }, (_, i) => queue(`q${i}`)),
      ...Array.from({ length: n }, (_, i) => binding(`x${i}`, `q${i}`)),
    ];
    const r = routeMessage(topo(...chain), msg('x0', ''));
    expect(r.queues).toHaveLength(n);
    expect(r.paths.find((p) => p.queue === `q${n - 1}`)?.hops).toHaveLength(n);
  });
});

describe('alternate exchange', () => {
  const ae = { 'alternate-exchange': 'unrouted' };

  it('is used when the exchange matches nothing', () => {
    const t = topo(exchange('d', 'direct', { arguments: ae }), exchange('unrouted', 'fanout'), queue('q'), queue('lost'), binding('d', 'q', 'k'), binding('unrouted', 'lost'));
    expect(routeMessage(t, msg('d', 'k')).queues).toEqual(['q']);
    const r = routeMessage(t, msg('d', 'other'));
    expect(r.queues).toEqual(['lost']);
    expect(r.unroutable).toBe(false);
    expect(r.paths[0]?.hops.map((h) => h.via)).toEqual(['alternate-exchange', 'binding']);
  });

  it('is not used when an exchange-to-exchange binding matched, even if that exchange routes nowhere', () => {
    const t = topo(
      exchange('d', 'direct', { arguments: ae }),
      exchange('empty', 'fanout'),
      exchange('unrouted', 'fanout'),
      queue('lost'),
      e2e('d', 'empty', 'k'),
      binding('unrouted', 'lost'),
    );
    const r = routeMessage(t, msg('d', 'k'));
    expect(r.queues).toEqual([]);
    expect(r.unroutable).toBe(true);
    expect(r.reasons).toContain('exchange `empty` (fanout) has no bindings');
    expect(r.reasons.join('\n')).toContain('alternate exchange `unrouted` is not consulted');
    // a key that matches nothing does use the alternate exchange
    expect(routeMessage(t, msg('d', 'j')).queues).toEqual(['lost']);
  });

  it('chains, with cycle protection', () => {
    const t = topo(
      exchange('a', 'direct', { arguments: { 'alternate-exchange': 'b' } }),
      exchange('b', 'direct', { arguments: { 'alternate-exchange': 'c' } }),
      exchange('c', 'direct', { arguments: { 'alternate-exchange': 'a' } }),
      queue('qc'),
      binding('c', 'qc', 'only-c'),
    );
    expect(routeMessage(t, msg('a', 'only-c')).queues).toEqual(['qc']);
    const r = routeMessage(t, msg('a', 'nothing'));
    expect(r.unroutable).toBe(true);
    expect(r.reasons.at(-1)).toContain('alternate exchange `a` of `c` was already visited');
  });

  it('a missing alternate exchange drops the message', () => {
    const t = topo(exchange('d', 'direct', { arguments: { 'alternate-exchange': 'ghost' } }));
    const r = routeMessage(t, msg('d', 'k'));
    expect(r.unroutable).toBe(true);
    expect(r.reasons).toContain('alternate exchange `ghost` of `d` is not declared, so the message is dropped');
  });

  it('may be internal', () => {
    const t = topo(exchange('d', 'direct', { arguments: ae }), exchange('unrouted', 'fanout', { internal: true }), queue('lost'), binding('unrouted', 'lost'));
    expect(routeMessage(t, msg('d', 'k')).queues).toEqual(['lost']);
  });
});

describe('one-of exchanges', () => {
  it('consistent hash lists candidates with the weight of the first binding per destination', () => {
    const t = topo(
      exchange('h', 'x-consistent-hash'),
      queue('q1'),
      queue('q3'),
      binding('h', 'q1', '1'),
      binding('h', 'q1', '5'),
      binding('h', 'q3', '3'),
      binding('h', 'q3', 'abc'),
    );
    const r = routeMessage(t, msg('h', 'any'));
    expect(r.queues).toEqual([]);
    expect(r.unroutable).toBe(false);
    expect(r.oneOf).toEqual([{ exchange: 'h', type: 'x-consistent-hash', candidates: ['q1', 'q3'], hops: [], weights: { q1: 1, q3: 3 } }]);
  });

  it('random and modulus-hash exchanges reached through e2e list their candidates and the path to them', () => {
    const t = topo(exchange('in', 'fanout'), exchange('r', 'x-random'), exchange('m', 'x-modulus-hash'), queue('a'), queue('b'), e2e('in', 'r'), e2e('in', 'm'), binding('r', 'a'), binding('r', 'b'), binding('m', 'b'));
    const r = routeMessage(t, msg('in', 'k'));
    expect(r.oneOf?.map((o) => [o.exchange, o.candidates, o.hops.length])).toEqual([
      ['r', ['a', 'b'], 1],
      ['m', ['b'], 1],
    ]);
  });

  it('an empty ring routes nowhere, so the alternate exchange is used', () => {
    const t = topo(exchange('h', 'x-consistent-hash', { arguments: { 'alternate-exchange': 'ae' } }), exchange('ae', 'fanout'), queue('q'), binding('ae', 'q'));
    expect(routeMessage(t, msg('h', 'k')).queues).toEqual(['q']);
  });
});

describe('other exchange types', () => {
  it('x-delayed-message routes as its x-delayed-type, with a note about the delay', () => {
    const t = topo(exchange('later', 'x-delayed-message', { arguments: { 'x-delayed-type': 'direct' } }), queue('q'), binding('later', 'q', 'k'));
    const r = routeMessage(t, msg('later', 'k'));
    expect(r.queues).toEqual(['q']);
    expect(r.warnings?.[0]?.code).toBe('ROUTE_DELAYED');
  });

  it('an unknown type routes nowhere with a warning', () => {
    const t = topo(exchange('j', 'x-jms-topic'), queue('q'), binding('j', 'q', 'k'));
    const r = routeMessage(t, msg('j', 'k'));
    expect(r.unroutable).toBe(true);
    expect(r.warnings?.[0]?.code).toBe('ROUTE_EXCHANGE_TYPE_UNSUPPORTED');
  });
});

describe('dead-letter following', () => {
  const t = topo(
    exchange('work', 'direct'),
    exchange('dlx', 'topic', { internal: true }),
    queue('jobs', { 'x-dead-letter-exchange': 'dlx' }),
    queue('keyed', { 'x-dead-letter-exchange': 'dlx', 'x-dead-letter-routing-key': 'dead.keyed' }),
    queue('retry', { 'x-dead-letter-exchange': '' }),
    queue('plain'),
    queue('dead-jobs'),
    queue('dead-keyed'),
    binding('work', 'jobs', 'job'),
    binding('work', 'keyed', 'job'),
    binding('work', 'retry', 'job'),
    binding('work', 'plain', 'job'),
    binding('dlx', 'dead-jobs', 'job'),
    binding('dlx', 'dead-jobs', 'cc-key'),
    binding('dlx', 'dead-keyed', 'dead.#'),
  );

  it('is off by default', () => {
    expect(routeMessage(t, msg('work', 'job')).deadLetter).toBeUndefined();
  });

  it('uses the dead-letter routing key if set, else the original keys including CC, and allows internal and default DLXs', () => {
    const r = routeMessage(t, msg('work', 'job', { cc: ['cc-key'] }), { followDeadLetter: true });
    expect(r.queues).toEqual(['jobs', 'keyed', 'plain', 'retry']);
    const dl = r.deadLetter ?? [];
    expect(dl.map((d) => [d.queue, d.exchange, d.routingKey, d.cc ?? [], d.result.queues, d.cycle])).toEqual([
      ['jobs', 'dlx', 'job', ['cc-key'], ['dead-jobs'], false],
      ['keyed', 'dlx', 'dead.keyed', [], ['dead-keyed'], false],
      // the default exchange routes by the original key `job`: no queue of that name
      ['retry', '', 'job', ['cc-key'], [], false],
    ]);
    expect(dl[0]?.result.paths.map((p) => p.hops[0]?.key)).toEqual(['cc-key', 'job']);
  });

  it('flags a cycle back to the dead-lettering queue', () => {
    const t2 = topo(queue('loop', { 'x-dead-letter-exchange': '' }));
    const r = routeMessage(t2, msg('', 'loop'), { followDeadLetter: true });
    expect(r.deadLetter?.[0]?.cycle).toBe(true);
    expect(r.deadLetter?.[0]?.result.queues).toEqual(['loop']);
  });

  it('a missing DLX drops the message', () => {
    const t2 = topo(queue('q', { 'x-dead-letter-exchange': 'ghost' }));
    const r = routeMessage(t2, msg('', 'q'), { followDeadLetter: true });
    expect(r.deadLetter?.[0]?.result.unroutable).toBe(true);
    expect(r.deadLetter?.[0]?.result.reasons[0]).toContain('`ghost` of queue `q` is not declared');
  });

  it('adds x-first-death-queue for headers DLXs with all-with-x bindings', () => {
    const t2 = topo(
      exchange('dlh', 'headers'),
      queue('q', { 'x-dead-letter-exchange': 'dlh' }),
      queue('from-q'),
      binding('dlh', 'from-q', '', { 'x-match': 'all-with-x', 'x-first-death-queue': 'q' }),
    );
    const r = routeMessage(t2, msg('', 'q'), { followDeadLetter: true });
    expect(r.deadLetter?.[0]?.result.queues).toEqual(['from-q']);
  });
});
