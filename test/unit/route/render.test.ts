import { describe, expect, it } from 'vitest';
import { renderRouteJson, renderRouteText, routeMessage } from '../../../src/route/index.js';
import { binding, e2e, exchange, queue, topo, VHOST } from './fixtures.js';

const t = topo(
  exchange('tasks_fanout', 'fanout'),
  queue('piap', { 'x-dead-letter-exchange': 'dlx' }),
  binding('tasks_fanout', 'piap', 'suo_piao'),
  exchange('tasks', 'direct'),
  ...['hipri', 'midpri', 'lopri'].flatMap((n) => [queue(n), binding('tasks', n, n)]),
  exchange('in', 'topic'),
  e2e('in', 'tasks_fanout', 'a.*'),
  binding('in', 'piap', '#', { 'x-note': 'b' }),
  binding('in', 'hipri', 'a.b'),
  exchange('dlx', 'fanout'),
  queue('dead'),
  binding('dlx', 'dead'),
  exchange('h', 'x-consistent-hash'),
  binding('h', 'dead', '2'),
  binding('h', 'piap', '1'),
);

describe('renderRouteText', () => {
  it('prints the seed fanout route', () => {
    expect(renderRouteText(routeMessage(t, { vhost: VHOST, exchange: 'tasks_fanout', routingKey: 'suo_piao' }))).toBe('piap  ← tasks_fanout (fanout) [suo_piao]');
  });

  it('prints why nothing is reached', () => {
    expect(renderRouteText(routeMessage(t, { vhost: VHOST, exchange: 'tasks', routingKey: 'other' }))).toBe(
      'unroutable: exchange `tasks` (direct) has no binding with key `other`; bindings: hipri, midpri, lopri',
    );
    expect(renderRouteText(routeMessage(t, { vhost: VHOST, exchange: 'nope', routingKey: '' }))).toBe(
      'unroutable: exchange `nope` is not declared in vhost `/` (the broker closes the channel with 404 NOT_FOUND)',
    );
  });

  it('aligns queues, lists every path back to the published exchange, with binding arguments', () => {
    expect(renderRouteText(routeMessage(t, { vhost: VHOST, exchange: 'in', routingKey: 'a.b' }))).toBe(
      [
        'hipri  ← in (topic) [a.b]',
        'piap   ← in (topic) [#] {"x-note":"b"}',
        '       ← tasks_fanout (fanout) [suo_piao] ← in (topic) [a.*]',
      ].join('\n'),
    );
  });

  it('prints one-of candidates and dead-letter routes', () => {
    expect(renderRouteText(routeMessage(t, { vhost: VHOST, exchange: 'h', routingKey: 'k' }))).toBe('one of: dead (weight 2), piap (weight 1)  ← h (x-consistent-hash)');
    expect(renderRouteText(routeMessage(t, { vhost: VHOST, exchange: 'tasks_fanout', routingKey: 'k' }, { followDeadLetter: true }))).toBe(
      ['piap  ← tasks_fanout (fanout) [suo_piao]', '', 'dead-lettered from piap → dlx with key `k`:', '  dead  ← dlx (fanout) []'].join('\n'),
    );
  });

  it('takes colours as an option', () => {
    const out = renderRouteText(routeMessage(t, { vhost: VHOST, exchange: 'tasks_fanout', routingKey: '' }), {
      style: { queue: (s) => `<q>${s}</q>`, exchange: (s) => `<x>${s}</x>` },
    });
    expect(out).toBe('<q>piap</q>  ← <x>tasks_fanout</x> (fanout) [suo_piao]');
  });
});

describe('renderRouteJson', () => {
  it('has queues (sorted), paths and unroutable first', () => {
    const json = JSON.parse(renderRouteJson(routeMessage(t, { vhost: VHOST, exchange: 'in', routingKey: 'a.b' }))) as Record<string, unknown>;
    expect(Object.keys(json).slice(0, 4)).toEqual(['queues', 'paths', 'unroutable', 'reasons']);
    expect(json['queues']).toEqual(['hipri', 'piap']);
    expect(json['unroutable']).toBe(false);
  });

  it('reports an unroutable message with empty queues', () => {
    const json = JSON.parse(renderRouteJson(routeMessage(t, { vhost: VHOST, exchange: 'tasks', routingKey: 'other' }))) as Record<string, unknown>;
    expect(json['queues']).toEqual([]);
    expect(json['unroutable']).toBe(true);
  });
});
