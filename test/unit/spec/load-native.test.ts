import { describe, expect, it } from 'vitest';
import { loadSpecTexts, parseSpecText } from '../../../src/spec/index.js';
import { bindingKey, namedKey } from '../../../src/model/keys.js';
import { only, where, yaml } from './helpers.js';

describe('native spec: syntax and schema errors, located exactly', () => {
  it('reports an unknown property at its key, with a did-you-mean', () => {
    const text = yaml(
      'version: 1', //
      'vhosts:',
      '  /:',
      '    queues:',
      '      hipri:',
      '        autoDelete: true',
      '        durabel: false',
    );
    const { desired, diagnostics } = parseSpecText(text, 'topology.yaml');
    expect(desired).toBeNull();
    expect(diagnostics.map(where)).toEqual([
      { code: 'SCHEMA_UNKNOWN_PROPERTY', severity: 'error', file: 'topology.yaml', line: 6, column: 9, path: '/vhosts/~1/queues/hipri/autoDelete' },
      { code: 'SCHEMA_UNKNOWN_PROPERTY', severity: 'error', file: 'topology.yaml', line: 7, column: 9, path: '/vhosts/~1/queues/hipri/durabel' },
    ]);
    expect(diagnostics[0]?.message).toBe('unknown property `autoDelete` in queue "hipri" (vhost "/"); did you mean `auto_delete`?');
    expect(diagnostics[1]?.message).toContain('did you mean `durable`?');
  });

  it('lists the allowed properties when nothing is close', () => {
    const text = yaml('version: 1', 'vhosts:', '  /:', '    exchanges:', '      x: { type: direct, colour: blue }');
    const d = only(parseSpecText(text, 't.yaml').diagnostics, 'SCHEMA_UNKNOWN_PROPERTY');
    expect(where(d)).toMatchObject({ line: 5, column: 26, path: '/vhosts/~1/exchanges/x/colour' });
    expect(d.message).toContain('allowed here: type, durable, auto_delete, internal, arguments');
  });

  it('reports a wrong type at the value, naming it and saying what to write', () => {
    const text = yaml('version: 1', 'vhosts:', '  /:', '    queues:', '      hipri:', '        durable: "yes"');
    const d = only(parseSpecText(text, 'topology.yaml').diagnostics, 'SCHEMA_TYPE');
    expect(where(d)).toEqual({ code: 'SCHEMA_TYPE', severity: 'error', file: 'topology.yaml', line: 6, column: 18, path: '/vhosts/~1/queues/hipri/durable' });
    expect(d.message).toBe('`durable` of queue "hipri" (vhost "/") must be a boolean (true or false), got the string "yes"; write true without quotes');
  });

  it('reports a list where a map of names is expected', () => {
    const text = yaml('version: 1', 'vhosts:', '  /:', '    queues:', '      - name: hipri');
    const d = only(parseSpecText(text, 't.yaml').diagnostics, 'SCHEMA_TYPE');
    expect(where(d)).toMatchObject({ line: 5, column: 7, path: '/vhosts/~1/queues' });
    expect(d.message).toContain('write a map keyed by name');
  });

  it('reports an enum value with a did-you-mean, and a missing required property at its owner', () => {
    const text = yaml(
      'version: 1',
      'vhosts:',
      '  /:',
      '    exchanges:',
      '      tasks: { durable: true }',
      '    queues:',
      '      hipri: { type: quorom }',
    );
    const { diagnostics } = parseSpecText(text, 't.yaml');
    expect(diagnostics.map(where)).toEqual([
      { code: 'SCHEMA_REQUIRED', severity: 'error', file: 't.yaml', line: 5, column: 7, path: '/vhosts/~1/exchanges/tasks' },
      { code: 'SCHEMA_ENUM', severity: 'error', file: 't.yaml', line: 7, column: 22, path: '/vhosts/~1/queues/hipri/type' },
    ]);
    expect(diagnostics[0]?.message).toMatch(/^exchange "tasks" \(vhost "\/"\) is missing the required property `type` \(exchange type: direct, fanout/);
    expect(diagnostics[1]?.message).toBe('`type` of queue "hipri" (vhost "/") must be one of classic, quorum, stream, got the string "quorom"; did you mean `quorum`?');
  });

  it('requires version 1', () => {
    const d = only(parseSpecText(yaml('version: 2', 'vhosts: {}'), 't.yaml').diagnostics, 'SCHEMA_ENUM');
    expect(where(d)).toMatchObject({ line: 1, column: 10, path: '/version' });
    expect(d.message).toBe('`version` must be 1, got the number 2; this version of Warren reads format version 1');
  });

  it('reports a duplicate key in YAML at the second key, with its path', () => {
    const text = yaml('version: 1', 'vhosts:', '  /:', '    queues:', '      hipri: {}', '      hipri: { durable: false }');
    const { desired, diagnostics } = parseSpecText(text, 'topology.yaml');
    expect(desired).toBeNull();
    expect(diagnostics.map(where)).toEqual([
      { code: 'DUPLICATE_KEY', severity: 'error', file: 'topology.yaml', line: 6, column: 7, path: '/vhosts/~1/queues/hipri' },
    ]);
    expect(diagnostics[0]?.message).toContain('duplicate key `hipri`');
  });

  it('reports a duplicate key in JSON with the right position', () => {
    const text = '{\n  "version": 1,\n  "vhosts": { "/": {}, "/": {} }\n}\n';
    const d = only(parseSpecText(text, 'spec.json').diagnostics, 'DUPLICATE_KEY');
    expect(where(d)).toMatchObject({ file: 'spec.json', line: 3, column: 24, path: '/vhosts/~1' });
  });

  it('reports YAML syntax errors with their location and does not throw', () => {
    const { desired, diagnostics } = parseSpecText('version: 1\nvhosts: [\n', 'bad.yaml');
    expect(desired).toBeNull();
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.every((d) => d.code === 'YAML_SYNTAX' && d.file === 'bad.yaml' && typeof d.line === 'number')).toBe(true);
  });

  it('refuses an alias bomb without hanging', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 9; i++) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(`${next}: &${next} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`);
    }
    const { desired, diagnostics } = parseSpecText(yaml(...lines), 'bomb.yaml');
    expect(desired).toBeNull();
    expect(diagnostics.map((d) => d.code)).toEqual(['YAML_SYNTAX']);
    expect(diagnostics[0]?.message).toMatch(/alias/i);
  });

  it('says what was expected for a document that is neither format', () => {
    const d = only(parseSpecText(yaml('name: foo', 'queues: {}'), 'x.yaml').diagnostics, 'UNKNOWN_FORMAT');
    expect(where(d)).toMatchObject({ file: 'x.yaml', line: 1, column: 1, path: '' });
    expect(d.message).toContain('`name`, `queues`');
    expect(d.message).toContain('expected a Warren spec (`version: 1` and a `vhosts` map) or a RabbitMQ definitions export');
    expect(only(parseSpecText('', 'empty.yaml').diagnostics, 'UNKNOWN_FORMAT').message).toMatch(/^the document is empty/);
  });
});

describe('native spec: normalization', () => {
  it('applies every default once', () => {
    const text = yaml(
      '# yaml-language-server: $schema=./schema/topology.schema.json',
      'version: 1',
      'vhosts:',
      '  /:',
      '    exchanges:',
      '      tasks: { type: direct }',
      '    queues:',
      '      hipri:',
      '        bind: [{ exchange: tasks }]',
    );
    const { desired, diagnostics } = parseSpecText(text, 'topology.yaml');
    expect(diagnostics).toEqual([]);
    expect(desired?.vhosts).toEqual(['/']);
    const r = desired?.resources;
    expect(r?.get(namedKey('vhost', '/', '/'))).toEqual({
      kind: 'vhost',
      vhost: '/',
      name: '/',
      description: '',
      tags: [],
      default_queue_type: 'classic',
      protected_from_deletion: false,
      unset: ['description', 'tags', 'default_queue_type', 'protected_from_deletion'],
      source: { file: 'topology.yaml', line: 4, column: 3, path: '/vhosts/~1' },
    });
    expect(r?.get(namedKey('exchange', '/', 'tasks'))).toEqual({
      kind: 'exchange',
      vhost: '/',
      name: 'tasks',
      type: 'direct',
      durable: true,
      auto_delete: false,
      internal: false,
      arguments: {},
      source: { file: 'topology.yaml', line: 6, column: 7, path: '/vhosts/~1/exchanges/tasks' },
    });
    expect(r?.get(namedKey('queue', '/', 'hipri'))).toEqual({
      kind: 'queue',
      vhost: '/',
      name: 'hipri',
      type: 'classic',
      durable: true,
      auto_delete: false,
      arguments: {},
      source: { file: 'topology.yaml', line: 8, column: 7, path: '/vhosts/~1/queues/hipri' },
    });
    const identity = { vhost: '/', source: 'tasks', destination: 'hipri', destination_type: 'queue', routing_key: '', arguments: {} } as const;
    expect(r?.get(bindingKey(identity))).toEqual({
      kind: 'binding',
      name: 'tasks -> hipri []',
      ...identity,
      sourceLocation: { file: 'topology.yaml', line: 9, column: 16, path: '/vhosts/~1/queues/hipri/bind/0' },
    });
    expect(r?.size).toBe(4);
  });

  it('resolves queue types: type, x-queue-type (removed from arguments), the vhost default, classic', () => {
    const text = yaml(
      'version: 1',
      'vhosts:',
      '  v:',
      '    default_queue_type: quorum',
      '    queues:',
      '      a: { type: stream }',
      '      b: { arguments: { x-queue-type: classic, x-max-length: 5 } }',
      '      c:',
      '      d: { durable: false }',
    );
    const { desired, diagnostics } = parseSpecText(text, 't.yaml');
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const queue = (name: string): unknown => desired?.resources.get(namedKey('queue', 'v', name));
    expect(queue('a')).toMatchObject({ type: 'stream', arguments: {} });
    expect(queue('b')).toMatchObject({ type: 'classic', arguments: { 'x-max-length': 5 } });
    expect(queue('c')).toMatchObject({ type: 'quorum', durable: true });
    // The broker applies a vhost's default queue type to durable queues only.
    expect(queue('d')).toMatchObject({ type: 'classic', durable: false });
  });

  it('refuses `type` and `x-queue-type` that disagree', () => {
    const text = yaml('version: 1', 'vhosts:', '  /:', '    queues:', '      q: { type: quorum, arguments: { x-queue-type: classic } }');
    const d = only(parseSpecText(text, 't.yaml').diagnostics, 'QUEUE_TYPE_CONFLICT');
    expect(where(d)).toMatchObject({ line: 5, column: 53, path: '/vhosts/~1/queues/q/arguments/x-queue-type' });
  });

  it('keeps the bind shorthand and the general form apart in one vhost, and an exchange-to-exchange binding', () => {
    const text = yaml(
      'version: 1',
      'vhosts:',
      '  /:',
      '    exchanges:',
      '      tasks: { type: topic }',
      '      audit: { type: fanout, internal: true }',
      '    queues:',
      '      hipri: { bind: [{ exchange: tasks, routing_key: "hi.*", arguments: { n: 1 } }] }',
      '    bindings:',
      '      - { source: tasks, destination: audit, destination_type: exchange, routing_key: "#" }',
    );
    const { desired, diagnostics } = parseSpecText(text, 't.yaml');
    expect(diagnostics).toEqual([]);
    const bindings = [...(desired?.resources.values() ?? [])].filter((r) => r.kind === 'binding');
    expect(bindings.map((b) => b.name)).toEqual(['tasks -> hipri [hi.*] {"n":1}', 'tasks -> exchange:audit [#]']);
  });

  it('reports the same binding declared twice in one file', () => {
    const text = yaml(
      'version: 1',
      'vhosts:',
      '  /:',
      '    exchanges: { x: { type: direct } }',
      '    queues:',
      '      q: { bind: [{ exchange: x, routing_key: k }] }',
      '    bindings:',
      '      - { source: x, destination: q, routing_key: k }',
    );
    const d = only(parseSpecText(text, 't.yaml').diagnostics, 'DUPLICATE_RESOURCE');
    expect(where(d)).toMatchObject({ line: 8, column: 9, path: '/vhosts/~1/bindings/0' });
    expect(d.message).toBe('binding x -> q [k] in vhost "/" is declared twice: at t.yaml:6:19 and at t.yaml:8:9; keep one of them');
  });
});

describe('several texts make one spec', () => {
  const a = yaml('version: 1', 'vhosts:', '  /:', '    description: orders', '    queues:', '      hipri: {}');
  const b = yaml('version: 1', 'vhosts:', '  /:', '    exchanges: { tasks: { type: direct } }', '    queues:', '      hipri: { durable: true }');

  it('reports a resource declared in two files, naming both locations', () => {
    const { desired, diagnostics } = loadSpecTexts([
      { file: 'a.yaml', text: a },
      { file: 'b.yaml', text: b },
    ]);
    expect(desired).toBeNull();
    expect(diagnostics.map(where)).toEqual([
      { code: 'DUPLICATE_RESOURCE', severity: 'error', file: 'b.yaml', line: 6, column: 7, path: '/vhosts/~1/queues/hipri' },
    ]);
    expect(diagnostics[0]?.message).toBe('queue "hipri" in vhost "/" is declared twice: at a.yaml:6:7 and at b.yaml:6:7; keep one of them');
  });

  it('merges a vhost split across files, and refuses metadata that disagrees', () => {
    const c = yaml('version: 1', 'vhosts:', '  /:', '    exchanges: { tasks: { type: direct } }');
    const ok = loadSpecTexts([
      { file: 'a.yaml', text: a },
      { file: 'c.yaml', text: c },
    ]);
    expect(ok.diagnostics).toEqual([]);
    expect(ok.desired?.vhosts).toEqual(['/']);
    expect(ok.desired?.resources.get(namedKey('vhost', '/', '/'))).toMatchObject({ description: 'orders' });
    expect(ok.desired?.resources.size).toBe(3);

    const d = yaml('version: 1', 'vhosts:', '  /:', '    description: billing');
    const bad = loadSpecTexts([
      { file: 'a.yaml', text: a },
      { file: 'd.yaml', text: d },
    ]);
    expect(bad.diagnostics.map(where)).toEqual([
      { code: 'VHOST_CONFLICT', severity: 'error', file: 'd.yaml', line: 4, column: 18, path: '/vhosts/~1/description' },
    ]);
    expect(bad.diagnostics[0]?.message).toContain('at a.yaml:3:3');
  });

  it('resolves references across files', () => {
    const q = yaml('version: 1', 'vhosts:', '  /:', '    queues:', '      audit: { bind: [{ exchange: tasks }] }');
    const { desired, diagnostics } = loadSpecTexts([
      { file: 'b.yaml', text: b },
      { file: 'q.yaml', text: q },
    ]);
    expect(diagnostics).toEqual([]);
    expect(desired?.resources.size).toBe(5);
  });
});
