/** CC and BCC headers (sender-selected distribution), as measured on RabbitMQ 3.10.8 and 4.3.6. */
import { describe, expect, it } from 'vitest';
import { routeMessage, senderSelectedKeys, type RouteMessage } from '../../../src/route/index.js';
import { binding, e2e, exchange, queue, topo, VHOST } from './fixtures.js';

const msg = (exchangeName: string, routingKey: string, extra: Partial<RouteMessage> = {}): RouteMessage => ({ vhost: VHOST, exchange: exchangeName, routingKey, ...extra });

const direct = topo(exchange('d', 'direct'), ...['k1', 'k2', 'k3'].flatMap((k) => [queue(`q-${k}`), binding('d', `q-${k}`, k)]));

describe('CC and BCC headers', () => {
  it('are extra routing keys, like the cc and bcc fields', () => {
    const r = routeMessage(direct, msg('d', 'k1', { headers: { CC: ['k2'], BCC: ['k3'] } }));
    expect(r.queues).toEqual(['q-k1', 'q-k2', 'q-k3']);
    expect(r.paths.map((p) => p.hops[0]?.key)).toEqual(['k1', 'k2', 'k3']);
    expect(routeMessage(direct, msg('d', 'zz', { cc: ['k1'], headers: { CC: ['k2'] } })).queues).toEqual(['q-k1', 'q-k2']);
  });

  it('give one copy per queue however many keys match', () => {
    const r = routeMessage(direct, msg('d', 'k1', { headers: { CC: ['k1', 'k1'], BCC: ['k1'] } }));
    expect(r.queues).toEqual(['q-k1']);
    expect(r.paths).toHaveLength(1);
  });

  it('match topic patterns', () => {
    const t = topo(exchange('t', 'topic'), queue('q'), binding('t', 'q', 'a.*'));
    expect(routeMessage(t, msg('t', 'zz', { headers: { CC: ['a.b'] } })).queues).toEqual(['q']);
  });

  it('are names only exactly: a `cc` header is an ordinary header', () => {
    expect(routeMessage(direct, msg('d', 'zz', { headers: { cc: ['k1'] } })).unroutable).toBe(true);
  });

  it('are used again at the next hop of an exchange-to-exchange binding', () => {
    const t = topo(exchange('e1', 'direct'), exchange('e2', 'direct'), queue('q'), e2e('e1', 'e2', 'k5'), binding('e2', 'q', 'k6'));
    expect(routeMessage(t, msg('e1', 'k5', { headers: { CC: ['k6'] } })).queues).toEqual(['q']);
    expect(routeMessage(t, msg('e1', 'zz', { headers: { CC: ['k5', 'k6'] } })).queues).toEqual(['q']);
  });

  it('count as a match, so the alternate exchange is not used; when nothing matches, the alternate exchange routes with them too', () => {
    const t = topo(
      exchange('ae', 'direct'),
      exchange('main', 'direct', { arguments: { 'alternate-exchange': 'ae' } }),
      queue('qb'),
      queue('qc'),
      binding('main', 'qb', 'kb'),
      binding('ae', 'qc', 'cck'),
    );
    expect(routeMessage(t, msg('main', 'zz', { headers: { CC: ['kb'] } })).queues).toEqual(['qb']);
    expect(routeMessage(t, msg('main', 'zz', { headers: { CC: ['cck'] } })).queues).toEqual(['qc']);
    expect(routeMessage(t, msg('main', 'zz', { headers: { BCC: ['cck'] } })).queues).toEqual(['qc']);
  });

  it('name queues on the default exchange', () => {
    const r = routeMessage(direct, msg('', 'q-k1', { headers: { CC: ['q-k2'], BCC: ['q-k3', 'nosuch'] } }));
    expect(r.queues).toEqual(['q-k1', 'q-k2', 'q-k3']);
  });

  it('BCC is removed before routing: a headers exchange sees CC, not BCC', () => {
    const t = topo(
      exchange('h', 'headers'),
      queue('has-cc'),
      queue('has-bcc'),
      binding('h', 'has-cc', '', { 'x-match': 'any', CC: null }),
      binding('h', 'has-bcc', '', { 'x-match': 'any', BCC: null }),
    );
    expect(routeMessage(t, msg('h', 'k', { headers: { CC: ['a'], BCC: ['b'] } })).queues).toEqual(['has-cc']);
  });

  it('ignore items that are not strings', () => {
    expect(senderSelectedKeys(msg('d', 'k', { headers: { CC: [5, 'k1', ['k2'], null] } }))).toEqual({ cc: ['k1'], bcc: [] });
    expect(routeMessage(direct, msg('d', 'zz', { headers: { CC: [5, 'k1'] } })).queues).toEqual(['q-k1']);
  });

  it('the broker refuses a CC or BCC header that is not an array, and so does route', () => {
    for (const [value, type] of [
      ['k1', 'longstr'],
      [5, 'long'],
      [1.5, 'double'],
      [true, 'bool'],
      [null, 'void'],
      [{ a: 'k1' }, 'table'],
    ] as const) {
      const r = routeMessage(direct, msg('d', 'k1', { headers: { CC: value } }));
      expect(r.queues).toEqual([]);
      expect(r.unroutable).toBe(true);
      expect(r.errors?.map((e) => e.code)).toEqual(['ROUTE_CC_NOT_ARRAY']);
      expect(r.errors?.[0]?.message).toContain(`{unacceptable_type_in_header,"CC",${type}}`);
    }
    const bcc = routeMessage(direct, msg('d', 'k1', { headers: { BCC: 'k2' } }));
    expect(bcc.errors?.[0]?.message).toBe(
      'header `BCC` is the string "k2", but RabbitMQ takes BCC only as an array of routing keys: it refuses the message and closes the channel (406 PRECONDITION_FAILED - invalid message: {unacceptable_type_in_header,"BCC",longstr}); give an array, e.g. BCC: ["k2"]',
    );
    // An unknown exchange is refused first (404), as the broker does.
    expect(routeMessage(direct, msg('ghost', 'k1', { headers: { CC: 'k2' } })).errors?.map((e) => e.code)).toEqual(['ROUTE_EXCHANGE_NOT_FOUND']);
  });

  it('dead-lettering without a dead-letter key reuses every key, BCC included; with one, only that key', () => {
    const t = topo(
      exchange('src', 'direct'),
      exchange('dlx', 'direct'),
      queue('dl', { 'x-dead-letter-exchange': 'dlx' }),
      queue('dl-keyed', { 'x-dead-letter-exchange': 'dlx', 'x-dead-letter-routing-key': 'fixed' }),
      binding('src', 'dl', 'k'),
      binding('src', 'dl-keyed', 'k'),
      ...['k', 'c', 'b', 'fixed'].flatMap((k) => [queue(`via-${k}`), binding('dlx', `via-${k}`, k)]),
    );
    const r = routeMessage(t, msg('src', 'k', { headers: { CC: ['c'], BCC: ['b'] } }), { followDeadLetter: true });
    expect(r.deadLetter?.map((d) => [d.queue, d.routingKey, d.cc ?? [], d.bcc ?? [], d.result.queues])).toEqual([
      ['dl', 'k', ['c'], ['b'], ['via-b', 'via-c', 'via-k']],
      ['dl-keyed', 'fixed', [], [], ['via-fixed']],
    ]);
  });
});
