import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { definitionsToNative, describeSkipped, nativeToDefinitions } from '../../../src/export/convert.js';
import type { SkippedResource } from '../../../src/export/native-globals.js';
import { exportDefinitions, renderDefinitions } from '../../../src/export/definitions.js';
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
  /** Loads a spec text, for comparing meanings. */
  const meaning = (text: string, file: string): Map<string, Record<string, unknown>> => {
    const loaded = parseSpecText(text, file);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return comparable(loaded.desired?.resources ?? new Map());
  };

  it('definitions → native → definitions keeps every resource, and a second round trip changes nothing', () => {
    const live = mapOf(liveTopology());
    const defs = renderDefinitions(live);
    const native = definitionsToNative(defs);
    expect(native.skipped).toEqual([]);
    expect(meaning(native.output ?? '', 'n.yaml')).toEqual(comparable(live));
    const back = nativeToDefinitions(native.output ?? '');
    expect(meaning(back.output ?? '', 'd.json')).toEqual(comparable(live));
    // A→B→A adds nothing: converting the converted files again gives them back
    expect(definitionsToNative(back.output ?? '').output).toBe(native.output);
    expect(nativeToDefinitions(definitionsToNative(back.output ?? '').output ?? '').output).toBe(back.output);
  });

  it('native → definitions → native gives the spec back: no vhost, no default it did not write', () => {
    const spec = [
      'version: 1',
      'vhosts:',
      '  /:',
      '    queues:',
      '      q: { bind: [{ exchange: x }] }',
      '    exchanges:',
      '      x: { type: fanout }',
      '  shop:',
      '    description: ""',
      '    default_queue_type: classic',
      '    queues:',
      '      orders: {}',
      '',
    ].join('\n');
    const defs = nativeToDefinitions(spec);
    const doc = JSON.parse(defs.output ?? '') as { vhosts?: unknown[] };
    expect(doc.vhosts).toEqual([
      { name: '/' },
      { name: 'shop', description: '', default_queue_type: 'classic', metadata: { description: '', default_queue_type: 'classic' } },
    ]);
    const native = definitionsToNative(defs.output ?? '');
    // "" in a definitions file counts as left out (every export writes it)
    expect(parse(native.output ?? '')).toEqual({
      version: 1,
      vhosts: { '/': { exchanges: { x: { type: 'fanout' } }, queues: { q: { bind: [{ exchange: 'x' }] } } }, shop: { default_queue_type: 'classic', queues: { orders: {} } } },
    });
  });

  it('a definitions file that declares "/" by using it converts back without a vhosts list', () => {
    const defs = '{"queues": [{"name": "q", "vhost": "/", "durable": true, "auto_delete": false, "arguments": {}}]}';
    const native = definitionsToNative(defs);
    expect(parse(native.output ?? '')).toEqual({ version: 1, vhosts: { '/': { queues: { q: {} } } } });
    const back = JSON.parse(nativeToDefinitions(native.output ?? '').output ?? '') as Record<string, unknown>;
    expect(back['vhosts']).toBeUndefined();
    expect(back['queues']).toEqual(JSON.parse(defs).queues);
  });

  it('converts users and global parameters, and lists what it leaves out', () => {
    const defs = JSON.stringify({
      users: [
        { name: 'app', password_hash: 'kI3GCqW5JLMJa4iX1lo7X4D6XbYqlLgxIs30+P6tENUV2POR', hashing_algorithm: 'rabbit_password_hashing_sha256', tags: ['monitoring'], limits: { 'max-connections': 10 } },
        { name: 'cert', password_hash: '', tags: [] },
      ],
      vhosts: [{ name: 'v' }],
      global_parameters: [{ name: 'cluster_name', value: 'rabbit@h' }, { name: 'internal_cluster_id', value: 'x' }, { name: 'site', value: { region: 'eu' } }],
    });
    const kept = definitionsToNative(defs, 'definitions.json', { secrets: true });
    expect(parse(kept.output ?? '')).toEqual({
      version: 1,
      users: {
        app: { tags: ['monitoring'], password_hash: 'kI3GCqW5JLMJa4iX1lo7X4D6XbYqlLgxIs30+P6tENUV2POR', hashing_algorithm: 'rabbit_password_hashing_sha256', limits: { 'max-connections': 10 } },
        cert: { tags: [], password_hash: '' },
      },
      global_parameters: { site: { region: 'eu' } },
      vhosts: { v: {} },
    });
    expect(kept.output).not.toContain('#   ');
    expect(kept.skipped.map((s) => `${s.kind} ${s.name}`)).toEqual(['global_parameter cluster_name', 'global_parameter internal_cluster_id']);
    expect(describeSkipped(kept.skipped[0] as SkippedResource)).toBe('skipped global parameter "cluster_name": set by the broker itself; Warren never manages it');
    // and back: the same users and parameters
    const back = JSON.parse(nativeToDefinitions(kept.output ?? '', 'n.yaml', { secrets: true }).output ?? '') as Record<string, unknown>;
    expect(back['users']).toEqual([JSON.parse(defs).users[0], { name: 'cert', password_hash: '', tags: [] }]);
    expect(back['global_parameters']).toEqual([{ name: 'site', value: { region: 'eu' } }]);

    // on standard output (no secrets), the hash is left out and said so
    const bare = definitionsToNative(defs);
    expect(bare.output).not.toContain('kI3GCqW5');
    expect(bare.skipped.map((s) => `${s.kind} ${s.name}`)).toContain('user app');
    const bareBack = nativeToDefinitions(kept.output ?? '');
    expect(bareBack.output).not.toContain('kI3GCqW5');
    expect(bareBack.skipped.map((s) => `${s.kind} ${s.name}`)).toEqual(['user app']);
  });

  it('returns the loader diagnostics instead of output for a broken input', () => {
    const result = definitionsToNative('{"queues": [{"name": "q", "vhost": "/", "durable": "yes"}]}');
    expect(result.output).toBeNull();
    expect(result.diagnostics.length).toBeGreaterThan(0);
  });
});
