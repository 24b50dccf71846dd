import { describe, expect, it } from 'vitest';
import { loadSpecTexts } from '../../../src/spec/index.js';
import type { QueueResource } from '../../../src/model/types.js';
import { namedKey } from '../../../src/model/keys.js';

const base = `version: 1
vhosts:
  app:
    exchanges:
      events: { type: topic }
    queues:
      orders:
        arguments:
          x-max-length: \${MAX_LEN:-1000}
          x-dead-letter-exchange: dlx-\${ENV}
        bind: [{ exchange: events, routing_key: "order.\${ENV}.#" }]
      legacy: {}
`;

const queue = (r: ReturnType<typeof loadSpecTexts>, name: string): QueueResource =>
  r.desired?.resources.get(namedKey('queue', 'app', name)) as QueueResource;

describe('variables', () => {
  it('substitutes ${VAR} and ${VAR:-default}, typing a whole-value reference like YAML', () => {
    const r = loadSpecTexts([{ file: 'base.yaml', text: base }], { variables: { ENV: 'prod' } });
    expect(r.diagnostics).toEqual([]);
    expect(queue(r, 'orders').arguments).toEqual({ 'x-max-length': 1000, 'x-dead-letter-exchange': 'dlx-prod' });
    const r2 = loadSpecTexts([{ file: 'base.yaml', text: base }], { variables: { ENV: 'eu', MAX_LEN: '5' } });
    expect(queue(r2, 'orders').arguments['x-max-length']).toBe(5);
  });

  it('reports an undefined variable at its file, line and column', () => {
    const r = loadSpecTexts([{ file: 'base.yaml', text: base }], { variables: {} });
    expect(r.desired).toBeNull();
    expect(r.diagnostics.map((d) => [d.code, d.file, d.line, d.column, d.path])).toEqual([
      ['VARIABLE_UNDEFINED', 'base.yaml', 10, 35, '/vhosts/app/queues/orders/arguments/x-dead-letter-exchange'],
      ['VARIABLE_UNDEFINED', 'base.yaml', 11, 49, '/vhosts/app/queues/orders/bind/0/routing_key'],
    ]);
    expect(r.diagnostics[0]?.message).toContain('--var ENV=');
  });

  it('keeps $${VAR} literal and leaves a wrongly typed substitution to the schema, at the right place', () => {
    const text = 'version: 1\nvhosts:\n  app:\n    queues:\n      q:\n        durable: ${DURABLE}\n        arguments: { note: "$${HOME}" }\n';
    const ok = loadSpecTexts([{ file: 'a.yaml', text }], { variables: { DURABLE: 'false' } });
    expect((ok.desired?.resources.get(namedKey('queue', 'app', 'q')) as QueueResource).durable).toBe(false);
    expect((ok.desired?.resources.get(namedKey('queue', 'app', 'q')) as QueueResource).arguments['note']).toBe('${HOME}');
    const bad = loadSpecTexts([{ file: 'a.yaml', text }], { variables: { DURABLE: 'maybe' } });
    expect(bad.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([['SCHEMA_TYPE', 6, 18]]);
  });
});

describe('overlays', () => {
  const prod = `version: 1
vhosts:
  app:
    queues:
      orders:
        type: quorum
        arguments: { x-max-length: 50000, x-dead-letter-exchange: $remove }
      legacy: $remove
      audit: { bind: [{ exchange: events, routing_key: "#" }] }
`;
  it('deep-merges later files over earlier ones; $remove deletes a key of the base', () => {
    const r = loadSpecTexts([], { variables: { ENV: 'prod' }, overlays: [{ file: 'base.yaml', text: base }, { file: 'prod.yaml', text: prod }] });
    expect(r.diagnostics).toEqual([]);
    expect(queue(r, 'orders')).toMatchObject({ type: 'quorum', arguments: { 'x-max-length': 50000 } });
    expect(queue(r, 'legacy')).toBeUndefined();
    expect(queue(r, 'audit')).toBeDefined();
  });

  it('points errors at the file that contributed the value', () => {
    const broken = 'version: 1\nvhosts:\n  app:\n    queues:\n      orders:\n        durable: nope\n';
    const r = loadSpecTexts([], { variables: { ENV: 'x' }, overlays: [{ file: 'base.yaml', text: base }, { file: 'prod.yaml', text: broken }] });
    expect(r.diagnostics.map((d) => [d.code, d.file, d.line, d.column])).toEqual([['SCHEMA_TYPE', 'prod.yaml', 6, 18]]);
    const dangling = 'version: 1\nvhosts:\n  app:\n    queues:\n      audit: { bind: [{ exchange: missing }] }\n';
    const r2 = loadSpecTexts([], { variables: { ENV: 'x' }, overlays: [{ file: 'base.yaml', text: base }, { file: 'prod.yaml', text: dangling }] });
    expect(r2.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([['BINDING_SOURCE_UNDECLARED', 'prod.yaml', 5]]);
  });
});
