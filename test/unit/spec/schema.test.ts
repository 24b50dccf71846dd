import { describe, expect, it } from 'vitest';
import { topologySchema } from '../../../src/spec/index.js';
import { closest, editDistance } from '../../../src/spec/suggest.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Every property schema under `properties`, with its pointer. */
function walk(schema: Json, at: string, visit: (node: Json, at: string) => void): void {
  visit(schema, at);
  for (const key of ['properties', '$defs'] as const) {
    const children = schema[key];
    if (!isObject(children)) continue;
    for (const [name, child] of Object.entries(children)) if (isObject(child)) walk(child, `${at}/${key}/${name}`, visit);
  }
  for (const key of ['items', 'additionalProperties'] as const) {
    const child = schema[key];
    if (isObject(child)) walk(child, `${at}/${key}`, visit);
  }
}

describe('schema/topology.schema.json', () => {
  const schema = topologySchema();

  it('is JSON Schema 2020-12', () => {
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('describes every property and closes every object but argument tables', () => {
    const undescribed: string[] = [];
    const open: string[] = [];
    walk(schema, '#', (node, at) => {
      if (at.includes('/properties/') && typeof node['description'] !== 'string' && node['$ref'] === undefined) undescribed.push(at);
      const types = Array.isArray(node['type']) ? node['type'] : [node['type']];
      if (types.includes('object') && isObject(node['properties']) && node['additionalProperties'] !== false) open.push(at);
    });
    expect(undescribed).toEqual([]);
    expect(open).toEqual([]);
  });
});

describe('did you mean', () => {
  it('matches case, underscore and camelCase variants first', () => {
    expect(closest('autoDelete', ['durable', 'auto_delete', 'arguments'])).toBe('auto_delete');
    expect(closest('Routing-Key', ['routing_key', 'arguments'])).toBe('routing_key');
  });

  it('matches within a small edit distance, and nothing far away', () => {
    expect(editDistance('durabel', 'durable')).toBe(1);
    expect(closest('durabel', ['durable', 'internal'])).toBe('durable');
    expect(closest('colour', ['type', 'durable'])).toBeUndefined();
  });
});
