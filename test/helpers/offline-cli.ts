/** `warren <args>` in this process with no broker and no terminal: output captured, for unit tests. */
import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/context.js';

export interface OfflineResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function offlineCli(cwd: string, ...args: string[]): Promise<OfflineResult> {
  let out = '';
  let err = '';
  const io: Io = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    env: {},
    stdinIsTTY: false,
    stdoutIsTTY: false,
    cwd,
    ask: () => Promise.reject(new Error('no terminal')),
  };
  const code = await run(args, io);
  return { code, out, err };
}
