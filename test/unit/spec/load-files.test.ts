import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../../src/spec/index.js';
import { namedKey } from '../../../src/model/keys.js';
import { where } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/spec/', import.meta.url));

describe('loadSpec from disk', () => {
  it('loads a directory recursively, in sorted order, skipping hidden and non-spec files', async () => {
    const { desired, diagnostics } = await loadSpec(['dir'], { cwd: FIXTURES });
    expect(diagnostics).toEqual([]);
    expect(desired?.vhosts).toEqual(['orders', 'legacy']);
    const queue = desired?.resources.get(namedKey('queue', 'orders', 'orders.created'));
    expect(queue).toMatchObject({
      type: 'quorum',
      arguments: { 'x-dead-letter-exchange': 'orders.dlx', 'x-delivery-limit': 5 },
      source: { file: 'dir/20-queues.yaml', line: 5, column: 7, path: '/vhosts/orders/queues/orders.created' },
    });
    expect(desired?.resources.get(namedKey('queue', 'legacy', 'events.log'))).toMatchObject({
      type: 'classic',
      arguments: {},
      source: { file: 'dir/nested/30-legacy.json', line: 8, column: 5, path: '/queues/0' },
    });
    // orders: vhost, 2 exchanges, 2 queues, 2 bindings; legacy: vhost, exchange, queue, binding
    expect(desired?.resources.size).toBe(7 + 4);
  });

  it('reports a resource declared in two files with both locations', async () => {
    const { desired, diagnostics } = await loadSpec(['dup/a.yaml', 'dup/b.yaml'], { cwd: FIXTURES });
    expect(desired).toBeNull();
    expect(diagnostics.map(where)).toEqual([
      { code: 'DUPLICATE_RESOURCE', severity: 'error', file: 'dup/b.yaml', line: 6, column: 7, path: '/vhosts/~1/queues/hipri' },
    ]);
    expect(diagnostics[0]?.message).toBe('queue "hipri" in vhost "/" is declared twice: at dup/a.yaml:5:7 and at dup/b.yaml:6:7; keep one of them');
  });

  it('reads a file named twice (directly and through its directory) once', async () => {
    const { diagnostics } = await loadSpec(['dup/a.yaml', 'dup'], { cwd: FIXTURES });
    expect(diagnostics.map((d) => d.code)).toEqual(['DUPLICATE_RESOURCE']);
  });

  it('reports a missing file with its path, and defaults to topology.yaml', async () => {
    const missing = await loadSpec(['nope.yaml'], { cwd: FIXTURES });
    expect(missing.desired).toBeNull();
    expect(missing.diagnostics.map(where)).toEqual([{ code: 'FILE_NOT_FOUND', severity: 'error', file: 'nope.yaml' }]);

    const none = await loadSpec([], { cwd: FIXTURES });
    expect(none.diagnostics.map(where)).toEqual([{ code: 'FILE_NOT_FOUND', severity: 'error', file: 'topology.yaml' }]);
  });

  it('reports a directory without spec files', async () => {
    const { desired, diagnostics } = await loadSpec(['no-specs'], { cwd: FIXTURES });
    expect(desired).toBeNull();
    expect(diagnostics.map(where)).toEqual([{ code: 'NO_SPEC_FILES', severity: 'error', file: 'no-specs' }]);
  });
});
