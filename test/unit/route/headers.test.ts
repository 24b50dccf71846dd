import { describe, expect, it } from 'vitest';
import type { ArgValue, Args } from '../../../src/model/types.js';
import { argValuesEqual, headersComparisonFor, headersMatch, routeMessage } from '../../../src/route/index.js';
import { binding, exchange, queue, topo, VHOST } from './fixtures.js';

const strict = (args: Args, headers?: Record<string, ArgValue>) => headersMatch(args, headers, 'strict');

describe('headersMatch', () => {
  it('x-match all (the default) needs every non-x argument', () => {
    expect(strict({ format: 'pdf', type: 'report' }, { format: 'pdf', type: 'report', extra: 1 })).toBe(true);
    expect(strict({ 'x-match': 'all', format: 'pdf', type: 'report' }, { format: 'pdf' })).toBe(false);
    expect(strict({ format: 'pdf' }, { format: 'PDF' })).toBe(false);
  });

  it('x-match any needs one', () => {
    expect(strict({ 'x-match': 'any', format: 'pdf', type: 'report' }, { type: 'report' })).toBe(true);
    expect(strict({ 'x-match': 'any', format: 'pdf', type: 'report' }, { type: 'log' })).toBe(false);
  });

  it('all with no non-x arguments matches everything, even no headers; any with none matches nothing', () => {
    expect(strict({}, undefined)).toBe(true);
    expect(strict({ 'x-match': 'all', 'x-foo': 1 }, {})).toBe(true);
    expect(strict({ 'x-match': 'any' }, { a: 1 })).toBe(false);
    expect(strict({ 'x-match': 'any', 'x-foo': 1 }, { 'x-foo': 1 })).toBe(false);
  });

  it('ignores x- arguments unless *-with-x, and always ignores x-match', () => {
    expect(strict({ 'x-tenant': 'a', format: 'pdf' }, { format: 'pdf' })).toBe(true);
    expect(strict({ 'x-match': 'all-with-x', 'x-tenant': 'a', format: 'pdf' }, { format: 'pdf' })).toBe(false);
    expect(strict({ 'x-match': 'all-with-x', 'x-tenant': 'a', format: 'pdf' }, { format: 'pdf', 'x-tenant': 'a' })).toBe(true);
    expect(strict({ 'x-match': 'any-with-x', 'x-tenant': 'a' }, { 'x-tenant': 'a' })).toBe(true);
    expect(strict({ 'x-match': 'any', 'x-tenant': 'a', format: 'pdf' }, { 'x-tenant': 'a' })).toBe(false);
    // x-match is never compared, even in with-x mode.
    expect(strict({ 'x-match': 'all-with-x' }, {})).toBe(true);
  });

  it('a null (void) binding value is a presence test', () => {
    expect(strict({ trace: null }, { trace: 'anything' })).toBe(true);
    expect(strict({ trace: null }, { trace: null })).toBe(true);
    expect(strict({ trace: null }, { other: 1 })).toBe(false);
    expect(strict({ trace: 'x' }, { trace: null })).toBe(false);
  });

  it('never equates strings and numbers, or true and "true"', () => {
    expect(strict({ n: 5 }, { n: '5' })).toBe(false);
    expect(strict({ n: '5' }, { n: 5 })).toBe(false);
    expect(strict({ n: 5 }, { n: 5 })).toBe(true);
    expect(strict({ b: true }, { b: 'true' })).toBe(false);
    expect(strict({ b: true }, { b: true })).toBe(true);
    expect(headersMatch({ n: 5 }, { n: '5' }, 'loose')).toBe(false);
    expect(headersMatch({ b: true }, { b: 'true' }, 'loose')).toBe(false);
  });

  it('rejects an invalid x-match (the broker refuses such a binding)', () => {
    expect(strict({ 'x-match': 'some', a: 1 }, { a: 1 })).toBeUndefined();
    expect(strict({ 'x-match': 1, a: 1 }, { a: 1 })).toBeUndefined();
  });

  it('compares nested arrays and tables structurally', () => {
    expect(strict({ l: [1, 'a'] }, { l: [1, 'a'] })).toBe(true);
    expect(strict({ l: [1, 'a'] }, { l: ['1', 'a'] })).toBe(false);
    expect(strict({ t: { a: 1 } }, { t: { a: 1 } })).toBe(true);
    expect(strict({ t: { a: 1 } }, { t: { a: 1, b: 2 } })).toBe(false);
  });
});

describe('number comparison by broker version', () => {
  it('is loose before 3.13 and strict from 3.13 or when unknown', () => {
    expect(headersComparisonFor('3.10.8')).toBe('loose');
    expect(headersComparisonFor('3.12.14')).toBe('loose');
    expect(headersComparisonFor('2.8.0')).toBe('loose');
    expect(headersComparisonFor('3.13.0')).toBe('strict');
    expect(headersComparisonFor('3.13.0-rc.1')).toBe('strict');
    expect(headersComparisonFor('4.1.0')).toBe('strict');
    expect(headersComparisonFor(undefined)).toBe('strict');
    expect(headersComparisonFor('unknown')).toBe('strict');
  });

  it('compares numbers by value, and by class (JS integer vs non-integer) when strict', () => {
    // JSON cannot carry 1.0 apart from 1; a non-integer is the only float it can express.
    expect(argValuesEqual(1, 1, 'loose')).toBe(true);
    expect(argValuesEqual(1, 1, 'strict')).toBe(true);
    expect(argValuesEqual(1.5, 1.5, 'strict')).toBe(true);
    expect(argValuesEqual(1, 1.5, 'loose')).toBe(false);
    expect(argValuesEqual([1, [2]], [1, [2]], 'strict')).toBe(true);
    expect(argValuesEqual('1', 1, 'loose')).toBe(false);
  });

  it('routeMessage picks the comparison from brokerVersion', () => {
    const t = topo(exchange('h', 'headers'), queue('q'), binding('h', 'q', '', { n: 5 }));
    const msg = { vhost: VHOST, exchange: 'h', routingKey: 'ignored' };
    for (const brokerVersion of ['3.10.8', '4.0.0']) {
      expect(routeMessage(t, { ...msg, headers: { n: 5 } }, { brokerVersion }).queues).toEqual(['q']);
      expect(routeMessage(t, { ...msg, headers: { n: '5' } }, { brokerVersion }).queues).toEqual([]);
    }
  });
});

describe('headers exchange routing', () => {
  const t = topo(
    exchange('docs', 'headers'),
    queue('pdf'),
    queue('reports'),
    queue('everything'),
    queue('nothing'),
    binding('docs', 'pdf', '', { format: 'pdf' }),
    binding('docs', 'reports', '', { 'x-match': 'any', type: 'report', kind: 'report' }),
    binding('docs', 'everything', ''),
    binding('docs', 'nothing', '', { 'x-match': 'any' }),
  );

  it('routes by headers and ignores the routing key', () => {
    const r = routeMessage(t, { vhost: VHOST, exchange: 'docs', routingKey: 'whatever', headers: { format: 'pdf', type: 'report' } });
    expect(r.queues).toEqual(['everything', 'pdf', 'reports']);
    expect(r.unroutable).toBe(false);
  });

  it('a message without headers reaches only the all-with-no-args binding', () => {
    expect(routeMessage(t, { vhost: VHOST, exchange: 'docs', routingKey: '' }).queues).toEqual(['everything']);
  });

  it('explains a miss', () => {
    const t2 = topo(exchange('docs', 'headers'), queue('pdf'), binding('docs', 'pdf', '', { format: 'pdf' }));
    const r = routeMessage(t2, { vhost: VHOST, exchange: 'docs', routingKey: '', headers: { format: 5 } });
    expect(r.unroutable).toBe(true);
    expect(r.reasons[0]).toContain('exchange `docs` (headers) has no binding whose arguments match the headers {"format":5}');
  });

  it('skips a binding with an invalid x-match with a warning', () => {
    const t2 = topo(exchange('docs', 'headers'), queue('pdf'), binding('docs', 'pdf', '', { 'x-match': 'most' }));
    const r = routeMessage(t2, { vhost: VHOST, exchange: 'docs', routingKey: '' });
    expect(r.queues).toEqual([]);
    expect(r.warnings?.[0]?.code).toBe('ROUTE_INVALID_BINDING');
  });
});
