import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { offlineCli, type OfflineResult } from '../../helpers/offline-cli.js';
import { summarizeDesired } from '../../../src/cli/commands/validate.js';
import type { Desired } from '../../../src/model/types.js';
import { parseSpecText } from '../../../src/spec/index.js';
import { yaml } from './helpers.js';

function spec(...body: string[]): Desired | null {
  return parseSpecText(yaml('version: 1', 'vhosts:', '  /:', ...body.map((l) => `    ${l}`)), 't.yaml').desired;
}

describe('validate summary', () => {
  it('names every kind in the plural it takes', () => {
    const desired = spec(
      'queues: { a: {}, b: {} }',
      'policies: { p1: { pattern: a, definition: { max-length: 1 } }, p2: { pattern: b, definition: { max-length: 2 } } }',
      'operator_policies: { op: { pattern: a, definition: { max-length: 1 } } }',
      'limits: { max-queues: 10, max-connections: 5 }',
    );
    expect(desired).not.toBeNull();
    expect(summarizeDesired(desired as Desired)).toBe('1 vhost, 2 queues, 2 vhost limits, 2 policies, 1 operator policy');
  });

  const dir = mkdtempSync(join(tmpdir(), 'warren-validate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('`warren validate` prints the summary, and refuses a policy with a typo at file:line:column', async () => {
    const cli = (...args: string[]): Promise<OfflineResult> => offlineCli(dir, ...args);
    writeFileSync(join(dir, 'good.yaml'), yaml('version: 1', 'vhosts:', '  /:', '    policies:', '      a: { pattern: a, definition: { max-length: 1 } }', '      b: { pattern: b, definition: { max-length: 2 } }'));
    writeFileSync(join(dir, 'bad.yaml'), yaml('version: 1', 'vhosts:', '  /:', '    policies:', '      a: { pattern: a, definition: { max-lenght: 5 } }'));
    const good = await cli('validate', 'good.yaml');
    expect(good).toMatchObject({ code: 0, out: 'valid: 1 vhost, 2 policies\n' });
    const bad = await cli('validate', 'bad.yaml');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('bad.yaml:5:50: error POLICY_KEY_UNKNOWN:');
    expect(bad.err).toContain('did you mean `max-length`?');
  });
});
