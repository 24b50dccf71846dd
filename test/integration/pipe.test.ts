/**
 * The built CLI under a reader that goes away (`warren … | head`): no EPIPE
 * stack trace, and the command still ends with its own exit status.
 * Needs `npm run build` (as ci-examples.test.ts does).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..', '..');

describe('the CLI writing into a closed pipe', () => {
  it('drops the rest of its output quietly and exits with its own status', () => {
    // One line per write: the reader is gone after the first (the old build crashed 2 runs in 3).
    for (let i = 0; i < 5; i++) {
      const r = spawnSync('bash', ['-c', 'bin/warren lint --list-rules | head -n 1; echo "status=${PIPESTATUS[0]}" >&2'], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
      expect(r.stdout.split('\n').filter((l) => l !== '')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
      expect(r.stderr).toContain('status=0');
    }
  });
});
