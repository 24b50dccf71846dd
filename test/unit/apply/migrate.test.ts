import type { ConsumeMessage } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { migratedQueueOf, migrationNames, publishOptions } from '../../../src/apply/migrate.js';
import type { Change } from '../../../src/model/change.js';
import type { QueueResource } from '../../../src/model/types.js';
import { ALLOW_DATA_LOSS, ALLOW_MIGRATE, findHazards, unallowedHazards } from '../../../src/plan/hazards.js';

const q = (name: string, over: Partial<QueueResource> = {}): QueueResource => ({
  kind: 'queue', vhost: 'v', name, type: 'classic', durable: true, auto_delete: false, arguments: {}, ...over,
});
const change = (action: 'replace' | 'delete', live: QueueResource, after?: QueueResource): Change => ({
  action, kind: 'queue', vhost: 'v', name: live.name, key: `queue/${live.name}`, fields: [], reasons: [], before: live,
  ...(after ? { after } : {}),
});

describe('--migrate and hazards', () => {
  it('allows the data-loss hazard of a queue replace, never of a delete, a stream or consumers', () => {
    const hazards = findHazards([
      change('replace', q('full', { messages: 12, consumers: 0 }), q('full', { type: 'quorum' })),
      change('replace', q('unknown'), q('unknown', { type: 'quorum' })),
      change('replace', q('log', { type: 'stream' }), q('log', { type: 'stream', arguments: { 'x-max-age': '1D' } })),
      change('replace', q('busy', { messages: 0, consumers: 2 }), q('busy', { type: 'quorum' })),
      change('delete', q('gone', { messages: 3, consumers: 0 })),
    ]);
    expect(hazards.map((h) => `${h.code} ${h.change} ${(h.also_allowed_by ?? []).join()}`)).toEqual([
      'QUEUE_DATA_LOSS queue/full --migrate',
      'QUEUE_MESSAGES_UNKNOWN queue/unknown --migrate',
      'QUEUE_MESSAGES_UNKNOWN queue/log ',
      'QUEUE_HAS_CONSUMERS queue/busy ',
      'QUEUE_DATA_LOSS queue/gone ',
    ]);
    expect(unallowedHazards(hazards, new Set([ALLOW_MIGRATE])).map((h) => h.change)).toEqual(['queue/log', 'queue/busy', 'queue/gone']);
    expect(unallowedHazards(hazards, new Set([ALLOW_DATA_LOSS]))).toEqual([]);
  });
});

describe('migration names', () => {
  it('maps every temporary resource back to its queue', () => {
    const n = migrationNames('orders.v1');
    expect(n).toEqual({
      exchange: 'orders.v1.warren-migrate',
      incomingExchange: 'orders.v1.warren-migrate.incoming',
      incoming: 'orders.v1.warren-migrate.incoming',
      backlog: 'orders.v1.warren-migrate.backlog',
      policy: 'orders.v1.warren-migrate',
    });
    for (const name of Object.values(n)) expect(migratedQueueOf(name)).toBe('orders.v1');
    expect(migratedQueueOf('orders')).toBeNull();
    expect(migratedQueueOf('.warren-migrate')).toBeNull();
  });
});

describe('publishOptions', () => {
  const msg = (properties: Record<string, unknown>): ConsumeMessage =>
    ({ content: Buffer.from('x'), fields: {}, properties: { headers: undefined, ...properties } }) as unknown as ConsumeMessage;

  it('keeps every property and header, and publishes mandatory', () => {
    const { options, userIdDropped } = publishOptions(
      msg({
        contentType: 'application/json', contentEncoding: 'gzip', headers: { a: 1, 'x-death': [{ count: 1 }] }, deliveryMode: 2, priority: 4,
        correlationId: 'c', replyTo: 'r', expiration: '60000', messageId: 'm', timestamp: 1700000000, type: 't', userId: 'guest', appId: 'app',
      }),
      'guest',
    );
    expect(userIdDropped).toBe(false);
    expect(options).toEqual({
      mandatory: true, contentType: 'application/json', contentEncoding: 'gzip', headers: { a: 1, 'x-death': [{ count: 1 }] }, deliveryMode: 2, priority: 4,
      correlationId: 'c', replyTo: 'r', expiration: '60000', messageId: 'm', timestamp: 1700000000, type: 't', userId: 'guest', appId: 'app',
    });
  });

  it("drops a user-id the broker would refuse (not the connection's user)", () => {
    const { options, userIdDropped } = publishOptions(msg({ userId: 'alice', messageId: 'm' }), 'guest');
    expect(userIdDropped).toBe(true);
    expect(options).toEqual({ mandatory: true, messageId: 'm' });
  });
});
