import { describe, expect, it } from 'vitest';
import { checkAgainstBroker, parseSpecText } from '../../../src/spec/index.js';
import { where, yaml } from './helpers.js';

describe('checkAgainstBroker', () => {
  const text = yaml(
    'version: 1',
    'vhosts:',
    '  /:',
    '    exchanges:',
    '      a: { type: direct }',
    '      b: { type: x-consistent-hash }',
    '      c: { type: x-delayed-message, arguments: { x-delayed-type: direct } }',
    '      d: { type: x-custom }',
  );
  const { desired } = parseSpecText(text, 't.yaml');

  it('reports exchange types the broker lacks, naming the plugin to enable', () => {
    if (!desired) throw new Error('spec should load');
    const diagnostics = checkAgainstBroker(desired, { version: '3.13.7', exchangeTypes: ['direct', 'fanout', 'topic', 'headers', 'x-delayed-message'] });
    expect(diagnostics.map(where)).toEqual([
      { code: 'EXCHANGE_TYPE_NOT_AVAILABLE', severity: 'error', file: 't.yaml', line: 6, column: 7, path: '/vhosts/~1/exchanges/b' },
      { code: 'EXCHANGE_TYPE_NOT_AVAILABLE', severity: 'error', file: 't.yaml', line: 8, column: 7, path: '/vhosts/~1/exchanges/d' },
    ]);
    expect(diagnostics[0]?.message).toBe(
      'exchange "b" in vhost "/" has type "x-consistent-hash", which this broker (RabbitMQ 3.13.7) does not offer; enable the rabbitmq_consistent_hash_exchange plugin (rabbitmq-plugins enable rabbitmq_consistent_hash_exchange)',
    );
    expect(diagnostics[1]?.message).toContain('enable the plugin that provides it');
  });

  it('is silent when every type is available', () => {
    if (!desired) throw new Error('spec should load');
    expect(checkAgainstBroker(desired, { version: '4.1.0', exchangeTypes: ['direct', 'x-consistent-hash', 'x-delayed-message', 'x-custom'] })).toEqual([]);
  });
});
