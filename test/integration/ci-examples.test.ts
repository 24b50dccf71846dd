/**
 * The CI examples run exactly these command lines: each `npx warren …` line of
 * examples/ci/*.yml runs here, in its job's order, against the test broker.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshVhosts, mgmt, testUrls } from '../helpers/broker.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const bin = join(repoRoot, 'bin', 'warren');

/** The `npx warren …` lines of a workflow file, in order. */
function warrenLines(file: string): string[] {
  return readFileSync(join(repoRoot, 'examples', 'ci', file), 'utf8')
    .split('\n')
    .map((l) => /^\s*(?:- run:|-|run:)\s*(npx warren .*)$/.exec(l)?.[1])
    .filter((l): l is string => l !== undefined);
}

const freshVhost = freshVhosts();

describe.each(['github-actions.yml', 'gitlab-ci.yml'])('examples/ci/%s', (workflow) => {
  it('runs its warren command lines against a real broker: plan, apply, then no drift', async () => {
    expect(existsSync(join(repoRoot, 'dist', 'cli', 'main.js')), 'run `npm run build` first').toBe(true);
    const lines = warrenLines(workflow);
    expect(lines.length).toBeGreaterThanOrEqual(5);
    const v = await freshVhost('ci');
    const dir = mkdtempSync(join(tmpdir(), 'warren-ci-'));
    const m = new URL(testUrls().management);
    const a = new URL(testUrls().amqp);
    writeFileSync(
      join(dir, 'warren.config.yaml'),
      `targets:\n  prod:\n    management_url: http://${m.host}\n    amqp_url: amqp://${a.host}\n    username_env: RABBIT_PROD_USER\n    password_env: RABBIT_PROD_PASSWORD\n`,
    );
    writeFileSync(join(dir, 'topology.yaml'), readFileSync(join(repoRoot, 'examples', 'seed-direct.yaml'), 'utf8').replace(/^ {2}\/:$/m, `  ${v}:`));
    const env = {
      ...process.env,
      NO_COLOR: '1',
      RABBIT_PROD_USER: decodeURIComponent(m.username),
      RABBIT_PROD_PASSWORD: decodeURIComponent(m.password),
      WARREN_MANAGEMENT_URL: '',
      WARREN_AMQP_URL: '',
    };
    for (const line of lines) {
      const command = line.replace(/^npx warren/, JSON.stringify(bin));
      try {
        execFileSync('bash', ['-c', command], { cwd: dir, env, stdio: 'pipe', timeout: 120_000 });
      } catch (e) {
        const err = e as { status: number; stdout: Buffer; stderr: Buffer };
        throw new Error(`\`${line}\` exited ${err.status}:\n${err.stdout.toString()}${err.stderr.toString()}`);
      }
    }
    expect(readFileSync(join(dir, 'plan.md'), 'utf8')).toContain('## Warren plan');
    expect(readFileSync(join(dir, 'drift.xml'), 'utf8')).toContain('failures="0"');
    expect((await mgmt('GET', `/api/queues/${encodeURIComponent(v)}/hipri`)).status).toBe(200);
  });
});
