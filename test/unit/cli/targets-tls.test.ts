import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Io } from '../../../src/cli/context.js';
import { resolveTargets } from '../../../src/cli/targets.js';

const fixtures = resolve(import.meta.dirname, '..', '..', 'fixtures', 'tls');
const ca = readFileSync(join(fixtures, 'ca.pem'), 'utf8');
const other = readFileSync(join(fixtures, 'expired.pem'), 'utf8');

function io(cwd: string, env: Record<string, string> = {}): Io {
  return { out: () => undefined, err: () => undefined, env, stdinIsTTY: false, stdoutIsTTY: false, cwd, ask: () => Promise.resolve('') };
}

describe('TLS files of a command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warren-tls-targets-'));
  mkdirSync(join(dir, 'conf'));
  writeFileSync(join(dir, 'conf', 'ca.pem'), ca);
  writeFileSync(join(dir, 'flag-ca.pem'), other);
  writeFileSync(join(dir, 'env-ca.pem'), other);
  writeFileSync(
    join(dir, 'conf', 'warren.config.yaml'),
    'targets:\n  a:\n    management_url: https://a:15671\n    amqp_url: amqps://a:5671\n    ca_file: ca.pem\n  b:\n    management_url: https://b:15671\n    amqp_url: amqps://b:5671\n',
  );
  const config = join('conf', 'warren.config.yaml');

  it('come from the flag, else the environment, relative to the working directory', async () => {
    const [byEnv] = await resolveTargets({}, io(dir, { WARREN_CA_FILE: 'env-ca.pem' }));
    expect(byEnv?.endpoints.tls).toEqual({ ca: other, caFile: 'env-ca.pem' });
    const [byFlag] = await resolveTargets({ caFile: 'flag-ca.pem' }, io(dir, { WARREN_CA_FILE: 'missing.pem' }));
    expect(byFlag?.endpoints.tls?.caFile).toBe('flag-ca.pem');
    const [none] = await resolveTargets({}, io(dir, { WARREN_CA_FILE: '' }));
    expect(none?.endpoints.tls).toBeUndefined();
  });

  it("of a target: its ca_file relative to the config's directory, over the environment; a flag wins over both", async () => {
    const targets = await resolveTargets({ target: ['a', 'b'], config }, io(dir, { WARREN_CA_FILE: 'env-ca.pem' }));
    expect(targets.map((t) => [t.name, t.endpoints.tls?.ca === ca ? 'config' : t.endpoints.tls?.caFile])).toEqual([
      ['a', 'config'],
      ['b', 'env-ca.pem'],
    ]);
    const flagged = await resolveTargets({ target: ['a'], config, caFile: 'flag-ca.pem' }, io(dir));
    expect(flagged[0]?.endpoints.tls?.caFile).toBe('flag-ca.pem');
  });
});
