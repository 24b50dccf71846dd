import { describe, expect, it } from 'vitest';
import { parseJsonSource } from '../../../src/spec/json-source.js';
import { parseSource } from '../../../src/spec/yaml-source.js';
import { joinPointer } from '../../../src/spec/pointer.js';
import { parseSpecText } from '../../../src/spec/index.js';

/** Every JSON pointer of a value. */
function pointers(value: unknown, at = ''): string[] {
  const out = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pointers(v, joinPointer(at, i))));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...pointers(v, joinPointer(at, k)));
  return out;
}

describe('the JSON fast path', () => {
  it('locates every key and value exactly where the YAML parser does', () => {
    const text = [
      '{"vhosts":[{"name":"/"}],',
      '  "queues" : [ { "name" : "a\\"b~c/d", "vhost":"/", "arguments": {"x-max-length":-1.5e3, "é": [true,false,null, {"": "\\u00e9"}]} } ],',
      '\t"bindings": [],  "exchanges":[',
      '   {"name": "x", "vhost": "/", "type": "direct"}',
      ']}',
    ].join('\r\n');
    const fast = parseJsonSource(text, 'f.json');
    const slow = parseSource(text, 'f.json');
    expect(fast?.value).toEqual(slow.value);
    for (const p of pointers(slow.value)) {
      expect(fast?.locate(p, 'value'), p).toEqual(slow.locate(p, 'value'));
      expect(fast?.locate(p, 'key'), p).toEqual(slow.locate(p, 'key'));
    }
    expect(fast?.locate('/queues/7')).toBeUndefined();
    expect(fast?.locateNearest('/queues/0/durable', 'key')).toEqual({ ...slow.locate('/queues/0', 'key'), path: '/queues/0/durable' });
  });

  it('reports text that is not strict JSON with JSON\'s own error, not the YAML parser\'s', () => {
    expect(parseJsonSource('{"a": 1,}', 'f.json')).toBeUndefined();
    const { diagnostics } = parseSpecText('{"version": 1, "vhosts": {,}}', 'f.json');
    expect(diagnostics).toMatchObject([{ code: 'JSON_SYNTAX', file: 'f.json', line: 1, column: 27 }]);
  });

  it('loads a definitions export of 20,000 queues and bindings quickly', { timeout: 30_000 }, () => {
    const queues = Array.from({ length: 10_000 }, (_, i) => ({ name: `q${i}`, vhost: '/', durable: true, auto_delete: false, arguments: { 'x-max-length': i } }));
    const bindings = queues.map((q) => ({ source: 'x', vhost: '/', destination: q.name, destination_type: 'queue', routing_key: q.name, arguments: {} }));
    const text = JSON.stringify({ vhosts: [{ name: '/' }], exchanges: [{ name: 'x', vhost: '/', type: 'direct' }], queues, bindings }, null, 1);
    const started = Date.now();
    const { desired, diagnostics } = parseSpecText(text, 'big.json');
    expect(diagnostics).toEqual([]);
    expect(desired?.resources.size).toBe(2 + 20_000);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
