import { describe, expect, it } from 'vitest';
import { parseSpecText } from '../../../src/spec/index.js';
import { checkVersionSupport } from '../../../src/spec/version-check.js';
import { yaml } from './helpers.js';

// A 4.x export of a stream with a filter size (dogfood: a real 4.3.6 export) warned
// UNKNOWN_ARGUMENT; the argument is RabbitMQ's own since 3.13.
const text = yaml(
  'version: 1',
  'vhosts:',
  '  v:',
  '    queues:',
  '      s: { type: stream, arguments: { x-stream-filter-size-bytes: 32 } }',
  '      c: { type: classic, arguments: { x-stream-filter-size-bytes: 32 } }',
  '      bad: { type: stream, arguments: { x-stream-filter-size-bytes: 15 } }',
);

describe('x-stream-filter-size-bytes', () => {
  const { diagnostics } = parseSpecText(text, 't.yaml');

  it('is a known stream argument, 16 to 255', () => {
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${d.path ?? ''}`)).toEqual([
      'warning ARGUMENT_NOT_SUPPORTED /vhosts/v/queues/c/arguments/x-stream-filter-size-bytes',
      'error INVALID_ARGUMENT_VALUE /vhosts/v/queues/bad/arguments/x-stream-filter-size-bytes',
    ]);
  });

  it('4.3 refuses it on a classic queue; 3.10 keeps it and ignores it (a warning)', () => {
    const { desired } = parseSpecText(text.split('\n').filter((l) => !l.includes('bad:')).join('\n'), 't.yaml');
    if (!desired) throw new Error('spec should load');
    const on43 = checkVersionSupport(desired, { version: '4.3.6' });
    expect(on43.filter((d) => d.code === 'QUEUE_ARGUMENT_UNSUPPORTED').map((d) => [d.severity, d.path])).toEqual([
      ['error', '/vhosts/v/queues/c/arguments/x-stream-filter-size-bytes'],
    ]);
    const on310 = checkVersionSupport(desired, { version: '3.10.8' });
    expect(on310.filter((d) => d.severity === 'error')).toEqual([]);
    expect(on310.filter((d) => d.code === 'QUEUE_ARGUMENT_NOT_IN_VERSION')).toHaveLength(2);
  });
});
