import { describe, expect, it } from 'vitest';
import { loadSpecTexts } from '../../../src/spec/index.js';
import type { BindingResource, QueueResource } from '../../../src/model/types.js';
import { namedKey } from '../../../src/model/keys.js';

type Result = ReturnType<typeof loadSpecTexts>;
const located = (r: Result): unknown[] => r.diagnostics.map((d) => [d.code, d.file, d.line, d.column, d.path]);
const bindings = (r: Result): BindingResource[] => [...(r.desired?.resources.values() ?? [])].filter((x): x is BindingResource => x.kind === 'binding');

describe('variables in map keys', () => {
  const spec = `version: 1
vhosts:
  dogfood-\${ENV}:
    exchanges:
      events-\${ENV}: { type: topic }
    queues:
      orders-\${ENV}:
        durable: \${DURABLE:-true}
        bind: [{ exchange: "events-\${ENV}", routing_key: "#" }]
`;

  it('substitutes keys: vhost, exchange and queue names', () => {
    const r = loadSpecTexts([{ file: 'a.yaml', text: spec }], { variables: { ENV: 'b' } });
    expect(r.diagnostics).toEqual([]);
    expect(r.desired?.vhosts).toEqual(['dogfood-b']);
    expect(r.desired?.resources.get(namedKey('exchange', 'dogfood-b', 'events-b'))).toBeDefined();
    expect((r.desired?.resources.get(namedKey('queue', 'dogfood-b', 'orders-b')) as QueueResource).durable).toBe(true);
    expect(bindings(r).map((b) => [b.source, b.destination])).toEqual([['events-b', 'orders-b']]);
  });

  it('keeps errors under a substituted key pointing into the file', () => {
    const r = loadSpecTexts([{ file: 'a.yaml', text: spec }], { variables: { ENV: 'b', DURABLE: 'maybe' } });
    expect(located(r)).toEqual([['SCHEMA_TYPE', 'a.yaml', 8, 18, '/vhosts/dogfood-b/queues/orders-b/durable']]);
  });

  it('reports an undefined variable in a key at the key', () => {
    const r = loadSpecTexts([{ file: 'a.yaml', text: spec }], { variables: {} });
    expect(r.desired).toBeNull();
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['VARIABLE_UNDEFINED', 3, 3],
      ['VARIABLE_UNDEFINED', 5, 7],
      ['VARIABLE_UNDEFINED', 7, 7],
      ['VARIABLE_UNDEFINED', 9, 28],
    ]);
  });

  it('reports two keys that become equal, with both places', () => {
    const text = 'version: 1\nvhosts:\n  app:\n    queues:\n      orders-b: {}\n      orders-${ENV}: {}\n';
    const r = loadSpecTexts([{ file: 'a.yaml', text }], { variables: { ENV: 'b' } });
    expect(r.desired).toBeNull();
    expect(located(r)).toEqual([['DUPLICATE_KEY', 'a.yaml', 6, 7, '/vhosts/app/queues/orders-${ENV}']]);
    expect(r.diagnostics[0]?.message).toContain('`orders-b`');
    expect(r.diagnostics[0]?.message).toContain('line 5, column 7');
  });

  it('reports a key that becomes empty', () => {
    const text = 'version: 1\nvhosts:\n  app:\n    queues:\n      ${NAME}: {}\n';
    const r = loadSpecTexts([{ file: 'a.yaml', text }], { variables: { NAME: '' } });
    expect(r.desired).toBeNull();
    expect(located(r)).toEqual([['VARIABLE_EMPTY_KEY', 'a.yaml', 5, 7, '/vhosts/app/queues/${NAME}']]);
  });

  it('keeps $${X} in a key literal', () => {
    const text = 'version: 1\nvhosts:\n  app:\n    queues:\n      q-$${X}: {}\n';
    const r = loadSpecTexts([{ file: 'a.yaml', text }], { variables: {} });
    expect(r.diagnostics).toEqual([]);
    expect(r.desired?.resources.get(namedKey('queue', 'app', 'q-${X}'))).toBeDefined();
  });

  it('merges overlays by the substituted keys and locates into the overlay', () => {
    const over = 'version: 1\nvhosts:\n  dogfood-${ENV}:\n    queues:\n      orders-${ENV}:\n        durable: nope\n';
    const r = loadSpecTexts([], { variables: { ENV: 'b' }, overlays: [{ file: 'base.yaml', text: spec }, { file: 'prod.yaml', text: over }] });
    expect(located(r)).toEqual([['SCHEMA_TYPE', 'prod.yaml', 6, 18, '/vhosts/dogfood-b/queues/orders-b/durable']]);
  });

  it('substitutes keys of a JSON spec too', () => {
    const text = '{"version": 1, "vhosts": {"app-${ENV}": {"queues": {"q": {"durable": "x"}}}}}';
    const r = loadSpecTexts([{ file: 'a.json', text }], { variables: { ENV: 'b' } });
    expect(located(r)).toEqual([['SCHEMA_TYPE', 'a.json', 1, 70, '/vhosts/app-b/queues/q/durable']]);
  });
});

describe('quoted references stay strings', () => {
  const spec = (rk: string): string => `version: 1
vhosts:
  app:
    exchanges:
      events: { type: topic }
    queues:
      q:
        bind:
          - exchange: events
            routing_key: ${rk}
`;

  it('keeps a double- or single-quoted whole reference a string', () => {
    for (const rk of ['"${RK}"', "'${RK}'"]) {
      const r = loadSpecTexts([{ file: 'a.yaml', text: spec(rk) }], { variables: { RK: '2024' } });
      expect(r.diagnostics).toEqual([]);
      expect(bindings(r).map((b) => b.routing_key)).toEqual(['2024']);
    }
    const t = loadSpecTexts([{ file: 'a.yaml', text: spec('"${RK}"') }], { variables: { RK: 'true' } });
    expect(bindings(t).map((b) => b.routing_key)).toEqual(['true']);
  });

  it('still types a plain whole reference like YAML', () => {
    const r = loadSpecTexts([{ file: 'a.yaml', text: spec('${RK}') }], { variables: { RK: '2024' } });
    expect(r.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([['SCHEMA_TYPE', 10, 26]]);
  });

  it('keeps a quoted reference a string in a flow map, and a block scalar too', () => {
    const flow = 'version: 1\nvhosts:\n  app:\n    queues:\n      q:\n        arguments: { note: "${N}" }\n';
    const r = loadSpecTexts([{ file: 'a.yaml', text: flow }], { variables: { N: '7' } });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect((r.desired?.resources.get(namedKey('queue', 'app', 'q')) as QueueResource).arguments['note']).toBe('7');
    const block = 'version: 1\nvhosts:\n  app:\n    queues:\n      q:\n        arguments:\n          note: |-\n            ${N}\n';
    const b = loadSpecTexts([{ file: 'a.yaml', text: block }], { variables: { N: '7' } });
    expect(b.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect((b.desired?.resources.get(namedKey('queue', 'app', 'q')) as QueueResource).arguments['note']).toBe('7');
  });

  it('keeps a whole reference in a JSON string a string', () => {
    const text = JSON.stringify({
      version: 1,
      vhosts: { app: { exchanges: { events: { type: 'topic' } }, queues: { q: { bind: [{ exchange: 'events', routing_key: '${RK}' }] } } } },
    });
    const r = loadSpecTexts([{ file: 'a.json', text }], { variables: { RK: '2024' } });
    expect(r.diagnostics).toEqual([]);
    expect(bindings(r).map((b) => b.routing_key)).toEqual(['2024']);
  });

  it('types a plain reference reached through an alias or a merge key by its anchor', () => {
    const text = 'version: 1\nx-defaults: &d { durable: ${D} }\nvhosts:\n  app:\n    queues:\n      q:\n        <<: *d\n';
    const r = loadSpecTexts([{ file: 'a.yaml', text }], { variables: { D: 'false' } });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).not.toContain('SCHEMA_TYPE');
  });
});
