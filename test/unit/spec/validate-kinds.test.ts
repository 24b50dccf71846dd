import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/model/diagnostics.js';
import type { Desired } from '../../../src/model/types.js';
import { parseSpecText } from '../../../src/spec/index.js';
import { uriProblem } from '../../../src/spec/validate-kinds.js';
import { only, where, yaml } from './helpers.js';

/** One vhost `/` whose body is the given lines, indented by 4: line 4 is the first body line. */
function spec(...body: string[]): { desired: Desired | null; diagnostics: Diagnostic[] } {
  return parseSpecText(yaml('version: 1', 'vhosts:', '  /:', ...body.map((l) => `    ${l}`)), 't.yaml');
}

describe('policy definition keys', () => {
  it('refuses a key close to a known one, on its line, with the fix', () => {
    const { desired, diagnostics } = spec(
      'policies:', // 4
      '  bad:', // 5
      '    pattern: "^q"', // 6
      '    definition:', // 7
      '      dead-letter-exchange: nodlx', // 8
      '      max-lenght: 5', // 9
    );
    expect(desired).toBeNull();
    expect(diagnostics.map(where)).toEqual([
      { code: 'POLICY_KEY_UNKNOWN', severity: 'error', file: 't.yaml', line: 9, column: 23, path: '/vhosts/~1/policies/bad/definition/max-lenght' },
    ]);
    expect(diagnostics[0]?.message).toBe(
      'policy "bad" in vhost "/" sets `max-lenght`, which is not a RabbitMQ policy key: the broker refuses the whole policy; did you mean `max-length`?',
    );
  });

  it('refuses keys that differ from a known one only in `_`, `-` or case', () => {
    const { diagnostics } = spec('policies:', '  p: { pattern: ".", definition: { max_length: 1, Message-TTL: 5, deadletterexchange: x } }');
    expect(diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual([
      ['POLICY_KEY_UNKNOWN', 'error', '/vhosts/~1/policies/p/definition/max_length'],
      ['POLICY_KEY_UNKNOWN', 'error', '/vhosts/~1/policies/p/definition/Message-TTL'],
      ['POLICY_KEY_UNKNOWN', 'error', '/vhosts/~1/policies/p/definition/deadletterexchange'],
    ]);
    expect(diagnostics.map((d) => d.message.replace(/.*did you mean /, ''))).toEqual(['`max-length`?', '`message-ttl`?', '`dead-letter-exchange`?']);
  });

  it('only warns about a key far from every known one (a plugin may register it)', () => {
    const { desired, diagnostics } = spec('policies:', '  p: { pattern: ".", definition: { x-my-plugin-setting: 1 } }');
    expect(desired).not.toBeNull();
    expect(diagnostics.map(where)).toEqual([
      { code: 'POLICY_KEY_UNKNOWN', severity: 'warning', file: 't.yaml', line: 5, column: 61, path: '/vhosts/~1/policies/p/definition/x-my-plugin-setting' },
    ]);
    expect(diagnostics[0]?.message).toContain('the broker refuses the policy unless a plugin registers that key');
  });

  it('checks operator policies the same way', () => {
    const { diagnostics } = spec('operator_policies:', '  op: { pattern: ".", definition: { max-lenght-bytes: 10, expires: 0 } }');
    expect(diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual([
      ['POLICY_KEY_UNKNOWN', 'error', '/vhosts/~1/operator_policies/op/definition/max-lenght-bytes'],
      ['INVALID_POLICY_VALUE', 'error', '/vhosts/~1/operator_policies/op/definition/expires'],
    ]);
    expect(diagnostics[0]?.message).toMatch(/^operator policy "op" in vhost "\/" sets .*did you mean `max-length-bytes`\?$/);
  });

  it('accepts every known key, federation and ha-* included', () => {
    const { desired, diagnostics } = spec(
      'policies:',
      '  a: { pattern: ".", definition: { max-length: 0, max-length-bytes: 10, message-ttl: 0, expires: 1, overflow: reject-publish-dlx, dead-letter-exchange: dlx, dead-letter-routing-key: k } }',
      '  b: { pattern: ".", definition: { delivery-limit: -1, queue-mode: lazy, queue-version: 2, max-age: 7D, dead-letter-strategy: at-least-once } }',
      '  c: { pattern: ".", definition: { ha-mode: exactly, ha-params: 2, ha-sync-mode: automatic } }',
      '  d: { pattern: ".", apply-to: exchanges, definition: { alternate-exchange: ae, federation-upstream-set: all } }',
    );
    expect(diagnostics).toEqual([]);
    expect(desired).not.toBeNull();
  });
});

describe('policy definition values', () => {
  it('refuses values RabbitMQ rejects, each at its value with the fix', () => {
    const { desired, diagnostics } = spec(
      'policies:', // 4
      '  p:', // 5
      '    pattern: "."', // 6
      '    definition:', // 7
      '      max-length: "5"', // 8
      '      max-length-bytes: -1', // 9
      '      message-ttl: 1.5', // 10
      '      expires: 0', // 11
      '      delivery-limit: -2', // 12
      '      overflow: drop_head', // 13
      '      queue-mode: eager', // 14
      '      ha-mode: everything', // 15
      '      alternate-exchange: 5', // 16
      '      dead-letter-exchange: [a]', // 17
    );
    expect(desired).toBeNull();
    expect(diagnostics.map((d) => [d.code, d.line, d.column, d.path?.replace('/vhosts/~1/policies/p/definition/', '')])).toEqual([
      ['INVALID_POLICY_VALUE', 8, 23, 'max-length'],
      ['INVALID_POLICY_VALUE', 9, 29, 'max-length-bytes'],
      ['INVALID_POLICY_VALUE', 10, 24, 'message-ttl'],
      ['INVALID_POLICY_VALUE', 11, 20, 'expires'],
      ['INVALID_POLICY_VALUE', 12, 27, 'delivery-limit'],
      ['INVALID_POLICY_VALUE', 13, 21, 'overflow'],
      ['INVALID_POLICY_VALUE', 14, 23, 'queue-mode'],
      ['INVALID_POLICY_VALUE', 15, 20, 'ha-mode'],
      ['INVALID_POLICY_VALUE', 16, 31, 'alternate-exchange'],
      ['INVALID_POLICY_VALUE', 17, 33, 'dead-letter-exchange'],
    ]);
    const messages = diagnostics.map((d) => d.message);
    expect(messages[0]).toBe('policy "p" in vhost "/": `max-length` must be an integer, got the string "5"; write 5 without quotes');
    expect(messages[1]).toBe('policy "p" in vhost "/": `max-length-bytes` must be at least 0, got the number -1');
    expect(messages[3]).toBe('policy "p" in vhost "/": `expires` must be at least 1, got the number 0');
    expect(messages[5]).toContain('must be one of drop-head, reject-publish, reject-publish-dlx, got the string "drop_head"; did you mean `drop-head`?');
    expect(messages[6]).toContain('must be one of default, lazy');
    expect(messages[7]).toContain('must be one of all, exactly, nodes');
    expect(messages[8]).toBe('policy "p" in vhost "/": `alternate-exchange` must be a string, got the number 5; write it in quotes: "5"');
  });
});

describe('definitions export', () => {
  it('locates policy keys, operator policy values and shovel URIs under `value`', () => {
    const text = JSON.stringify(
      {
        vhosts: [{ name: '/' }],
        policies: [{ vhost: '/', name: 'p', pattern: '^q', 'apply-to': 'queues', priority: 0, definition: { 'max-lenght': 5 } }],
        parameters: [
          { vhost: '/', component: 'shovel', name: 's', value: { 'src-uri': 'amqp://u:secret@h:0', 'dest-uri': 'amqp://' } },
          { vhost: '/', component: 'operator_policy', name: 'op', value: { pattern: 'x', definition: { 'max-length': '3' } } },
        ],
      },
      null,
      2,
    );
    const { diagnostics } = parseSpecText(text, 'd.json');
    expect(diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual([
      ['POLICY_KEY_UNKNOWN', 'error', '/policies/0/definition/max-lenght'],
      ['INVALID_URI', 'error', '/parameters/0/value/src-uri'],
      ['INVALID_POLICY_VALUE', 'error', '/parameters/1/value/definition/max-length'],
    ]);
    expect(diagnostics.every((d) => d.line !== undefined && d.line > 1)).toBe(true);
    expect(diagnostics[1]?.message).not.toContain('secret');
  });
});

describe('shovel and federation URIs', () => {
  it('refuses a malformed port at the URI, with the password masked', () => {
    const { desired, diagnostics } = spec(
      'shovels:', // 4
      '  s:', // 5
      '    src-uri: "amqp://u:pw@127.0.0.1:notaport/x"', // 6
      '    src-queue: a', // 7
      '    dest-uri: "amqp://"', // 8
      '    dest-queue: b', // 9
    );
    expect(desired).toBeNull();
    const d = only(diagnostics, 'INVALID_URI');
    expect(where(d)).toEqual({ code: 'INVALID_URI', severity: 'error', file: 't.yaml', line: 6, column: 18, path: '/vhosts/~1/shovels/s/src-uri' });
    expect(d.message).toBe(
      '`src-uri` of shovel "s" in vhost "/" is "amqp://u:****@127.0.0.1:notaport/x": the port "notaport" is not a number; write a port from 1 to 65535, or leave it out for 5672',
    );
    expect(d.message).not.toContain(':pw@');
  });

  it('checks each URI of a list, skips `{ env: NAME }`, and checks federation upstreams', () => {
    const { diagnostics } = spec(
      'shovels:', // 4
      '  s:', // 5
      '    src-uri: ["amqp://h1", { env: SRC_URI }, "http://h2"]', // 6
      '    src-queue: a', // 7
      '    dest-uri: { env: DEST_URI }', // 8
      '    dest-queue: b', // 9
      'federation_upstreams:', // 10
      '  up: { uri: "amqps://:5671" }', // 11
      '  ok: { uri: ["amqp://remote", "amqps://u:p@[::1]:5671/v", "AMQP://host:65535"] }', // 12
      '  far: { uri: ["amqp://remote", "amqp://u:secret@h:70000"] }', // 13
    );
    expect(diagnostics.map((d) => [d.code, d.line, d.path])).toEqual([
      ['INVALID_URI', 6, '/vhosts/~1/shovels/s/src-uri/2'],
      ['INVALID_URI', 11, '/vhosts/~1/federation_upstreams/up/uri'],
      ['INVALID_URI', 13, '/vhosts/~1/federation_upstreams/far/uri/1'],
    ]);
    expect(diagnostics[0]?.message).toBe(
      '`src-uri` #3 of shovel "s" in vhost "/" is "http://h2": the scheme must be amqp or amqps, not "http"; write a URI such as amqp://user@host:5672/vhost',
    );
    expect(diagnostics[1]?.message).toContain('federation upstream "up" in vhost "/" is "amqps://:5671": it has no host');
    expect(diagnostics[2]?.message).toBe(
      '`uri` #2 of federation upstream "far" in vhost "/" is "amqp://u:****@h:70000": the port 70000 is out of range; write a port from 1 to 65535, or leave it out for 5672',
    );
  });

  it('checks shovels declared under `parameters` too', () => {
    const { diagnostics } = spec('parameters:', '  shovel:', '    s: { src-uri: "amqp://h:0", src-queue: a, dest-uri: "amqp://", dest-queue: b }');
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([['INVALID_URI', '/vhosts/~1/parameters/shovel/s/src-uri']]);
  });
});

describe('uriProblem', () => {
  it.each([
    'amqp://',
    'amqp:///vhost',
    'amqp://host',
    'amqps://user:pass@host:5671/%2f?heartbeat=10',
    'amqp://[::1]:5672',
    'amqp://host:/v',
  ])('accepts %s', (uri) => {
    expect(uriProblem(uri)).toBeUndefined();
  });

  it.each([
    ['host:5672', /not an AMQP URI/],
    ['amqp10://host', /scheme must be amqp or amqps/],
    ['amqp://user@', /no host/],
    ['amqp://h:0', /port 0 is out of range/],
    ['amqp://h:65536', /port 65536 is out of range/],
    ['amqp://h:56x', /port "56x" is not a number/],
    ['amqp://[::1', /no closing `\]`/],
    ['amqp://u:pa/ss@host/v', /percent-encode them/],
  ])('refuses %s', (uri, message) => {
    expect(uriProblem(uri)).toMatch(message);
  });

  it('never repeats a password that an unencoded `/` cuts short', () => {
    const { diagnostics } = spec('shovels:', '  s: { src-uri: "amqp://u:top/secret@h/v", src-queue: a, dest-uri: "amqp://", dest-queue: b }');
    const d = only(diagnostics, 'INVALID_URI');
    expect(d.message).not.toMatch(/top|secret/);
    expect(d.message).toContain('"amqp://u:****@h/v"');
  });
});

// Dogfood: a shovel with a bad ack-mode passed validate and plan, then the broker refused it
// (400 "Validation failed", on 3.10.8 and 4.3.6) after the rest of the apply had run.
describe('shovel and federation field values', () => {
  it('refuses an ack-mode the plugins do not take, at the field, in a spec and in definitions', () => {
    const native = spec(
      'shovels:', // 4
      '  s: { src-uri: "amqp://", src-queue: a, dest-uri: "amqp://", dest-queue: b, ack-mode: bogus }', // 5
      'federation_upstreams:', // 6
      '  up: { uri: "amqp://remote", ack-mode: on-confirm }', // 7
    );
    expect(native.diagnostics.map((d) => [d.code, d.severity, d.line, d.path])).toEqual([['INVALID_PARAMETER_VALUE', 'error', 5, '/vhosts/~1/shovels/s/ack-mode']]);
    expect(native.diagnostics[0]?.message).toContain('shovel "s" in vhost "/": `ack-mode` must be one of no-ack, on-publish, on-confirm');
    const defs = parseSpecText(
      JSON.stringify({
        rabbit_version: '4.3.6',
        vhosts: [{ name: '/' }],
        parameters: [{ vhost: '/', component: 'federation-upstream', name: 'up', value: { uri: 'amqp://remote', 'ack-mode': 'sometimes' } }],
      }),
      'd.json',
    );
    expect(defs.diagnostics.map((d) => [d.code, d.path])).toEqual([['INVALID_PARAMETER_VALUE', '/parameters/0/value/ack-mode']]);
  });
});

// Dogfood: RabbitMQ 4.3.6's GET /api/definitions leaves internal exchanges out and keeps their
// bindings (4.0.5 and 3.10.8 keep the exchanges); the error says so, in definitions files only.
describe('bindings of an exchange a definitions export left out', () => {
  it('say that a 4.3 export leaves internal exchanges out', () => {
    const text = JSON.stringify({
      rabbitmq_version: '4.3.6',
      vhosts: [{ name: 'v' }],
      exchanges: [{ vhost: 'v', name: 'orders', type: 'topic', durable: true, auto_delete: false, arguments: {} }],
      queues: [{ vhost: 'v', name: 'q', durable: true, auto_delete: false, arguments: {} }],
      bindings: [
        { vhost: 'v', source: 'orders', destination: 'hidden', destination_type: 'exchange', routing_key: '#', arguments: {} },
        { vhost: 'v', source: 'hidden', destination: 'q', destination_type: 'queue', routing_key: 'k', arguments: {} },
      ],
    });
    const { diagnostics } = parseSpecText(text, 'd.json');
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([
      ['BINDING_DESTINATION_UNDECLARED', '/bindings/0/destination'],
      ['BINDING_SOURCE_UNDECLARED', '/bindings/1/source'],
    ]);
    for (const d of diagnostics) expect(d.message).toContain('RabbitMQ 4.3 exports leave internal exchanges out');
    const native = spec('bindings:', '  - { source: hidden, destination: q }', 'queues: { q: {} }');
    expect(native.diagnostics.find((d) => d.code === 'BINDING_SOURCE_UNDECLARED')?.message).not.toContain('internal');
  });
});
