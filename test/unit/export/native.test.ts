import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportNative } from '../../../src/export/native.js';
import { resourceKey } from '../../../src/model/keys.js';
import { parseSpecText } from '../../../src/spec/index.js';
import { binding, comparable, exchange, liveTopology, mapOf, queue, vhost } from './fixtures.js';

describe('exportNative', () => {
  it('round-trips through the spec loader: same keys, same normalized values', () => {
    const live = mapOf(liveTopology());
    const text = exportNative(live);
    const loaded = parseSpecText(text, 'exported.yaml');
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(loaded.desired).not.toBeNull();
    expect(comparable(loaded.desired?.resources ?? new Map())).toEqual(comparable(live));
    expect([...(loaded.desired?.vhosts ?? [])].sort()).toEqual(['/', 'plain-quorum', 'shop']);
  });

  it('starts with the schema modeline and leaves out every default', () => {
    const text = exportNative(mapOf([
      vhost('/'),
      exchange('/', 'x', { type: 'fanout' }),
      queue('/', 'q'),
      binding('/', 'x', 'q'),
    ]), { schema: './schema/topology.schema.json' });
    expect(text).toBe(
      [
        '# yaml-language-server: $schema=./schema/topology.schema.json',
        '# Exported from RabbitMQ by warren export.',
        '',
        'version: 1',
        'vhosts:',
        '  /:',
        '    exchanges:',
        '      x: { type: fanout }',
        '    queues:',
        '      q:',
        '        bind:',
        '          - { exchange: x }',
        '',
      ].join('\n'),
    );
  });

  it('writes `type: classic` unless the vhost default is classic, and always non-classic types', () => {
    const doc = parse(exportNative(mapOf(liveTopology()))) as { vhosts: Record<string, { queues: Record<string, { type?: string } | null> }> };
    expect(doc.vhosts['/']?.queues['hipri']).toEqual({ bind: [{ exchange: 'tasks' }, { exchange: 'tasks', routing_key: 'hipri' }] });
    expect(doc.vhosts['/']?.queues['quorum.q']?.type).toBe('quorum');
    expect(doc.vhosts['shop']?.queues['legacy']?.type).toBe('classic');
    expect(doc.vhosts['shop']?.queues['billing']?.type).toBe('quorum');
  });

  it('lists what it skipped, and why, as comments; skips bindings that would dangle', () => {
    const resources = mapOf([
      vhost('/'),
      exchange('/', 'x'),
      exchange('/', 'amq.direct'),
      queue('/', 'q'),
      binding('/', 'x', 'q', 'k'),
      binding('/', 'x', 'gone', 'k'),
      binding('/', 'missing-x', 'q', 'k'),
      binding('/', '', 'q', 'q'),
    ]);
    const text = exportNative(resources, {
      vhosts: ['/', 'absent'],
      skipped: [{ kind: 'queue', vhost: '/', name: 'amq.gen-1\n  evil: yaml', reason: 'server-named\nreally' }],
    });
    const comments = text.split('\n').filter((l) => l.startsWith('#'));
    expect(comments).toEqual([
      '# yaml-language-server: $schema=./node_modules/warren/schema/topology.schema.json',
      '# Exported from RabbitMQ by warren export.',
      '# Skipped 6 resources (not exported):',
      '#   binding "(default) -> q [q]" in vhost "/": bindings of the default exchange are implicit',
      '#   binding "missing-x -> q [k]" in vhost "/": its source exchange "missing-x" is not exported',
      '#   binding "x -> gone [k]" in vhost "/": its destination queue "gone" is not exported',
      '#   exchange "amq.direct" in vhost "/": predeclared by RabbitMQ',
      '#   queue "amq.gen-1\\n  evil: yaml" in vhost "/": server-named really',
      '#   vhost "absent": does not exist on the broker',
    ]);
    const loaded = parseSpecText(text, 'exported.yaml');
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect([...(loaded.desired?.resources.keys() ?? [])].sort()).toEqual(
      [vhost('/'), exchange('/', 'x'), queue('/', 'q'), binding('/', 'x', 'q', 'k')].map(resourceKey).sort(),
    );
  });

  it('is deterministic: the order of the map does not matter', () => {
    const resources = liveTopology();
    expect(exportNative(mapOf([...resources].reverse()))).toBe(exportNative(mapOf(resources)));
  });

  it('exports only the vhosts asked for', () => {
    const doc = parse(exportNative(mapOf(liveTopology()), { vhosts: ['shop'] })) as { vhosts: Record<string, unknown> };
    expect(Object.keys(doc.vhosts)).toEqual(['shop']);
  });
});
