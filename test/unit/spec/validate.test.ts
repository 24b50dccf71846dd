import { describe, expect, it } from 'vitest';
import { parseSpecText } from '../../../src/spec/index.js';
import type { Diagnostic } from '../../../src/model/diagnostics.js';
import { only, where, yaml } from './helpers.js';

/**
 * A spec with one vhost `/` whose body is the given lines, indented by 4 under it:
 * line 4 is the first body line, and columns are 4 more than in the strings.
 */
function spec(...body: string[]): { desired: unknown; diagnostics: Diagnostic[] } {
  return parseSpecText(yaml('version: 1', 'vhosts:', '  /:', ...body.map((l) => `    ${l}`)), 't.yaml');
}

describe('references', () => {
  it('reports an undeclared binding destination with a did-you-mean', () => {
    const { desired, diagnostics } = spec(
      'exchanges: { tasks: { type: direct } }', // 4
      'queues: { hipri: {} }', // 5
      'bindings:', // 6
      '  - { source: tasks, destination: hipr, routing_key: hipri }', // 7
    );
    expect(desired).toBeNull();
    expect(diagnostics.map(where)).toEqual([
      { code: 'BINDING_DESTINATION_UNDECLARED', severity: 'error', file: 't.yaml', line: 7, column: 39, path: '/vhosts/~1/bindings/0/destination' },
    ]);
    expect(diagnostics[0]?.message).toBe('binding destination queue "hipr" is not declared in vhost "/"; did you mean "hipri"? (or declare it under `queues`)');
  });

  it('says to declare a destination that has no close name, and notices a destination of the other kind', () => {
    const { diagnostics } = spec(
      'exchanges: { tasks: { type: direct }, audit: { type: fanout } }',
      'queues: { q: {} }',
      'bindings:',
      '  - { source: tasks, destination: zzz }',
      '  - { source: tasks, destination: audit }',
      '  - { source: tasks, destination: q, destination_type: exchange }',
    );
    expect(diagnostics.map((d) => [d.code, d.line, d.path])).toEqual([
      ['BINDING_DESTINATION_UNDECLARED', 7, '/vhosts/~1/bindings/0/destination'],
      ['BINDING_DESTINATION_UNDECLARED', 8, '/vhosts/~1/bindings/1/destination'],
      ['BINDING_DESTINATION_UNDECLARED', 9, '/vhosts/~1/bindings/2/destination'],
    ]);
    expect(diagnostics[0]?.message).toMatch(/; declare it under `queues`$/);
    expect(diagnostics[1]?.message).toContain('"audit" is declared as an exchange: set `destination_type: exchange`');
    expect(diagnostics[2]?.message).toContain('"q" is declared as a queue: set `destination_type: queue`');
  });

  it('reports an undeclared source at the `exchange` of a bind shorthand; allows predeclared amq.* exchanges', () => {
    const { diagnostics } = spec(
      'queues:', // 4
      '  q:', // 5
      '    bind:', // 6
      '      - { exchange: nope }', // 7
      '      - { exchange: amq.topic, routing_key: "a.#" }', // 8
      '      - { exchange: amq.match, arguments: { x-match: any, h: 1 } }', // 9
    );
    expect(diagnostics.map(where)).toEqual([
      { code: 'BINDING_SOURCE_UNDECLARED', severity: 'error', file: 't.yaml', line: 7, column: 25, path: '/vhosts/~1/queues/q/bind/0/exchange' },
    ]);
  });

  it('refuses bindings from the default exchange', () => {
    const d = only(spec('queues: { q: {} }', 'bindings: [{ source: "", destination: q }]').diagnostics, 'BINDING_TO_DEFAULT_EXCHANGE');
    expect(where(d)).toMatchObject({ line: 5, column: 26, path: '/vhosts/~1/bindings/0/source' });
  });

  it('warns about an undeclared alternate exchange', () => {
    const { desired, diagnostics } = spec('exchanges:', '  x: { type: direct, arguments: { alternate-exchange: ae } }');
    expect(desired).not.toBeNull();
    expect(diagnostics.map(where)).toEqual([
      { code: 'ALTERNATE_EXCHANGE_UNDECLARED', severity: 'warning', file: 't.yaml', line: 5, column: 59, path: '/vhosts/~1/exchanges/x/arguments/alternate-exchange' },
    ]);
  });
});

describe('names', () => {
  it('refuses amq.-prefixed names', () => {
    const { diagnostics } = spec('exchanges:', '  amq.orders: { type: topic }', 'queues:', '  amq.gen-1: {}');
    expect(diagnostics.map(where)).toEqual([
      { code: 'RESERVED_NAME', severity: 'error', file: 't.yaml', line: 5, column: 7, path: '/vhosts/~1/exchanges/amq.orders' },
      { code: 'RESERVED_NAME', severity: 'error', file: 't.yaml', line: 7, column: 7, path: '/vhosts/~1/queues/amq.gen-1' },
    ]);
    expect(diagnostics[0]?.message).toBe('exchange name "amq.orders" starts with `amq.`, which RabbitMQ reserves for itself; rename it');
  });

  it('refuses names over 255 bytes of UTF-8, giving the byte count', () => {
    const long = 'é'.repeat(128); // 256 bytes, 128 characters
    const { diagnostics } = spec('queues:', `  "${long}": {}`, `  "${'a'.repeat(255)}": {}`);
    expect(diagnostics.map(where)).toEqual([{ code: 'NAME_TOO_LONG', severity: 'error', file: 't.yaml', line: 5, column: 7, path: `/vhosts/~1/queues/${long}` }]);
    expect(diagnostics[0]?.message).toBe('queue name is 256 bytes long in UTF-8; RabbitMQ allows at most 255; shorten it');
  });

  it('refuses a routing key over 255 bytes', () => {
    const d = only(spec('exchanges: { x: { type: topic } }', 'queues:', '  q:', `    bind: [{ exchange: x, routing_key: "${'k'.repeat(300)}" }]`).diagnostics, 'NAME_TOO_LONG');
    expect(where(d)).toMatchObject({ line: 7, column: 44, path: '/vhosts/~1/queues/q/bind/0/routing_key' });
    expect(d.message).toContain('300 bytes');
  });

  it('refuses empty names and line breaks', () => {
    const { diagnostics } = spec('queues:', '  "": {}', '  "a\\nb": {}');
    expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['EMPTY_NAME', 5, 7],
      ['INVALID_NAME', 6, 7],
    ]);
  });

  it('refuses an empty vhost name', () => {
    const { diagnostics } = parseSpecText(yaml('version: 1', 'vhosts:', '  "": {}'), 't.yaml');
    expect(diagnostics.map(where)).toEqual([{ code: 'EMPTY_NAME', severity: 'error', file: 't.yaml', line: 3, column: 3, path: '/vhosts/' }]);
  });
});

describe('exchange types', () => {
  it('accepts built-in and x- plugin types, and suggests a fix for a typo', () => {
    const { diagnostics } = spec(
      'exchanges:',
      '  a: { type: direct }',
      '  b: { type: x-consistent-hash }',
      '  c: { type: fanuot }',
      '  d: { type: consistent-hash }',
    );
    expect(diagnostics.map(where)).toEqual([
      { code: 'UNKNOWN_EXCHANGE_TYPE', severity: 'error', file: 't.yaml', line: 7, column: 18, path: '/vhosts/~1/exchanges/c/type' },
      { code: 'UNKNOWN_EXCHANGE_TYPE', severity: 'error', file: 't.yaml', line: 8, column: 18, path: '/vhosts/~1/exchanges/d/type' },
    ]);
    expect(diagnostics[0]?.message).toMatch(/did you mean `fanout`\?$/);
    expect(diagnostics[1]?.message).toMatch(/did you mean `x-consistent-hash`\?$/);
  });
});

describe('queue arguments and options', () => {
  it('reports an argument of the wrong type, saying what to write', () => {
    const { diagnostics } = spec('queues:', '  q:', '    arguments:', '      x-max-length: "1000"');
    expect(diagnostics.map(where)).toEqual([
      { code: 'INVALID_ARGUMENT_TYPE', severity: 'error', file: 't.yaml', line: 7, column: 25, path: '/vhosts/~1/queues/q/arguments/x-max-length' },
    ]);
    expect(diagnostics[0]?.message).toBe('`x-max-length` must be an integer, got the string "1000"; write 1000 without quotes');
  });

  it('reports an argument that quorum queues do not support', () => {
    const { diagnostics } = spec('queues:', '  q:', '    type: quorum', '    arguments: { x-max-priority: 10 }');
    expect(diagnostics.map(where)).toEqual([
      { code: 'ARGUMENT_NOT_SUPPORTED', severity: 'error', file: 't.yaml', line: 7, column: 38, path: '/vhosts/~1/queues/q/arguments/x-max-priority' },
    ]);
    expect(diagnostics[0]?.message).toBe('`x-max-priority` is not supported by quorum queues (only by classic queues); remove it or change the queue type');
  });

  it('reports out-of-range values', () => {
    const { diagnostics } = spec('queues:', '  q: { arguments: { x-max-priority: 300, x-expires: 0, x-overflow: drop_head } }');
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['INVALID_ARGUMENT_VALUE', '/vhosts/~1/queues/q/arguments/x-max-priority'],
      ['INVALID_ARGUMENT_VALUE', '/vhosts/~1/queues/q/arguments/x-expires'],
      ['INVALID_ARGUMENT_VALUE', '/vhosts/~1/queues/q/arguments/x-overflow'],
    ]);
    expect(diagnostics[0]?.message).toBe('`x-max-priority` must be between 1 and 255, got the number 300');
    expect(diagnostics[2]?.message).toContain('did you mean `drop-head`?');
  });

  it('warns about unknown and deprecated arguments without failing', () => {
    const { desired, diagnostics } = spec(
      'queues:',
      '  q: { type: quorum, arguments: { x-max-lenght: 5, x-queue-leader-locator: random } }',
    );
    expect(desired).not.toBeNull();
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['UNKNOWN_ARGUMENT', 'warning'],
      ['DEPRECATED_ARGUMENT_VALUE', 'warning'],
    ]);
    expect(diagnostics[0]?.message).toContain('did you mean `x-max-length`?');
  });

  it('accepts stream arguments and checks x-max-age', () => {
    const { diagnostics } = spec('queues:', '  s: { type: stream, arguments: { x-max-age: 7D, x-stream-max-segment-size-bytes: 500000 } }', '  t: { type: stream, arguments: { x-max-age: "7 days" } }');
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([['INVALID_ARGUMENT_VALUE', '/vhosts/~1/queues/t/arguments/x-max-age']]);
  });

  it('refuses a non-durable quorum queue at `durable`', () => {
    const { diagnostics } = spec('queues:', '  q:', '    type: quorum', '    durable: false');
    expect(diagnostics.map(where)).toEqual([
      { code: 'INVALID_QUEUE_OPTIONS', severity: 'error', file: 't.yaml', line: 7, column: 18, path: '/vhosts/~1/queues/q/durable' },
    ]);
    expect(diagnostics[0]?.message).toBe('quorum queues must be durable; remove `durable: false` or make it a classic queue');
  });

  it('refuses auto-delete streams and exclusive queues; warns about transient classic queues', () => {
    const { diagnostics } = spec('queues:', '  s: { type: stream, auto_delete: true }', '  e: { exclusive: true }', '  t: { durable: false }');
    expect(diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual([
      ['INVALID_QUEUE_OPTIONS', 'error', '/vhosts/~1/queues/s/auto_delete'],
      ['INVALID_QUEUE_OPTIONS', 'error', '/vhosts/~1/queues/e/exclusive'],
      ['TRANSIENT_QUEUE_DEPRECATED', 'warning', '/vhosts/~1/queues/t/durable'],
    ]);
  });
});

describe('bindings', () => {
  it('refuses `~` in a routing key of a binding with arguments', () => {
    const { diagnostics } = spec(
      'exchanges: { x: { type: direct } }',
      'queues: { q: {} }',
      'bindings:',
      '  - { source: x, destination: q, routing_key: "a~b", arguments: { k: 1 } }',
      '  - { source: x, destination: q, routing_key: "a~b" }',
    );
    expect(diagnostics.map(where)).toEqual([
      { code: 'TILDE_ROUTING_KEY_WITH_ARGUMENTS', severity: 'error', file: 't.yaml', line: 7, column: 51, path: '/vhosts/~1/bindings/0/routing_key' },
    ]);
  });

  it('checks x-match on headers exchanges and weights on consistent-hash exchanges', () => {
    const { diagnostics } = spec(
      'exchanges: { h: { type: headers }, ch: { type: x-consistent-hash } }',
      'queues: { q: {} }',
      'bindings:',
      '  - { source: h, destination: q, arguments: { x-match: some } }',
      '  - { source: h, destination: q, arguments: { x-match: all-with-x, a: 1 } }',
      '  - { source: ch, destination: q, routing_key: "0" }',
      '  - { source: ch, destination: q, routing_key: "10" }',
    );
    expect(diagnostics.map((d) => [d.code, d.line, d.path])).toEqual([
      ['INVALID_ARGUMENT_VALUE', 7, '/vhosts/~1/bindings/0/arguments/x-match'],
      ['INVALID_ROUTING_KEY', 9, '/vhosts/~1/bindings/2/routing_key'],
    ]);
  });
});
