import { describe, expect, it } from 'vitest';
import { definitionsToNative, nativeToDefinitions } from '../../../src/export/convert.js';
import { exportDefinitions, renderDefinitions } from '../../../src/export/definitions.js';
import { exportNative } from '../../../src/export/native.js';
import { parseSpecText } from '../../../src/spec/index.js';
import { binding, comparable, exchange, liveTopology, mapOf, queue, vhost } from './fixtures.js';

describe('exportDefinitions', () => {
  it('writes the RabbitMQ definitions shape, x-queue-type in the arguments', () => {
    const defs = exportDefinitions(mapOf([
      vhost('v', { description: 'd', tags: ['t'], default_queue_type: 'quorum' }),
      exchange('v', 'x', { type: 'topic', arguments: { 'alternate-exchange': 'ae' } }),
      queue('v', 'q', { type: 'quorum', arguments: { 'x-delivery-limit': 5 } }),
      queue('v', 'c', { type: 'classic' }),
      binding('v', 'x', 'q', 'k'),
    ]));
    expect(defs).toEqual({
      vhosts: [{ name: 'v', description: 'd', tags: ['t'], default_queue_type: 'quorum', metadata: { description: 'd', tags: ['t'], default_queue_type: 'quorum' } }],
      exchanges: [{ name: 'x', vhost: 'v', type: 'topic', durable: true, auto_delete: false, internal: false, arguments: { 'alternate-exchange': 'ae' } }],
      queues: [
        // a classic queue in a quorum vhost must say so, or an import makes it quorum
        { name: 'c', vhost: 'v', durable: true, auto_delete: false, arguments: { 'x-queue-type': 'classic' } },
        { name: 'q', vhost: 'v', durable: true, auto_delete: false, arguments: { 'x-delivery-limit': 5, 'x-queue-type': 'quorum' } },
      ],
      bindings: [{ source: 'x', vhost: 'v', destination: 'q', destination_type: 'queue', routing_key: 'k', arguments: {} }],
    });
  });

  it('round-trips through the spec loader', () => {
    const live = mapOf(liveTopology());
    const loaded = parseSpecText(renderDefinitions(live), 'definitions.json');
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(comparable(loaded.desired?.resources ?? new Map())).toEqual(comparable(live));
  });
});

describe('convert', () => {
  it('definitions → native → definitions keeps every resource', () => {
    const live = mapOf(liveTopology());
    const defs = renderDefinitions(live);
    const native = definitionsToNative(defs);
    expect(native.output).toBe(exportNative(live, { origin: 'Converted from definitions.json by warren convert.' }));
    const back = nativeToDefinitions(native.output ?? '');
    expect(back.output).toBe(defs);
  });

  it('returns the loader diagnostics instead of output for a broken input', () => {
    const result = definitionsToNative('{"queues": [{"name": "q", "vhost": "/", "durable": "yes"}]}');
    expect(result.output).toBeNull();
    expect(result.diagnostics.length).toBeGreaterThan(0);
  });
});
