import { describe, expect, it } from 'vitest';
import { parseSpecText } from '../../../src/spec/index.js';

describe('scale', () => {
  // Guards against quadratic work per map entry (yaml's own duplicate-key check is quadratic).
  it('loads a spec of 5,000 queues and 5,000 bindings in seconds', { timeout: 30_000 }, () => {
    const lines = ['version: 1', 'vhosts:', '  /:', '    exchanges:', '      x: { type: topic }', '    queues:'];
    for (let i = 0; i < 5_000; i++) lines.push(`      q${i}: { arguments: { x-max-length: ${i} }, bind: [{ exchange: x, routing_key: "k.${i}" }] }`);
    const started = Date.now();
    const { desired, diagnostics } = parseSpecText(`${lines.join('\n')}\n`, 'big.yaml');
    const elapsed = Date.now() - started;
    expect(diagnostics).toEqual([]);
    expect(desired?.resources.size).toBe(2 + 10_000);
    expect(elapsed).toBeLessThan(15_000);
  });
});
