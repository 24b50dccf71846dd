import { describe, expect, it } from 'vitest';
import { offlineCli, type OfflineResult } from '../../helpers/offline-cli.js';

const cli = (...args: string[]): Promise<OfflineResult> => offlineCli(process.cwd(), ...args);

const COMMANDS = ['validate', 'plan', 'apply', 'route', 'test', 'lint', 'drift', 'export', 'convert', 'graph'];

describe('warren --help', () => {
  it('lists every command', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.out).toMatch(new RegExp(`^  ${c} `, 'm'));
  });

  it.each(COMMANDS)('%s --help exits 0 and describes its usage', async (command) => {
    const r = await cli(command, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Usage: warren ${command}`);
    expect(r.err).toBe('');
  });

  it('an unknown command or option exits 1 with a hint, never a stack trace', async () => {
    const unknown = await cli('plna');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("unknown command 'plna'");
    expect(unknown.err).toContain('(Did you mean plan?)');
    const option = await cli('plan', '--prnue');
    expect(option.code).toBe(1);
    expect(option.err).toContain("unknown option '--prnue'");
    expect(unknown.err + option.err).not.toMatch(/\n\s+at /);
  });
});
