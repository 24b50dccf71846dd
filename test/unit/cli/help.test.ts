import { describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/main.js';
import type { Io } from '../../../src/cli/context.js';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    env: {},
    stdinIsTTY: false,
    stdoutIsTTY: false,
    cwd: process.cwd(),
    ask: () => Promise.reject(new Error('no terminal')),
  };
  const code = await run(args, io);
  return { code, out, err };
}

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
