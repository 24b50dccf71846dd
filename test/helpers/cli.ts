/**
 * Run Warren's CLI in-process (src/cli/main.ts `run`) or as the built binary
 * (bin/warren), against the test broker, capturing output and exit code.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { run } from '../../src/cli/main.js';
import { testUrls, type TestUrls } from './broker.js';
import { expect } from 'vitest';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const repoRoot = resolve(import.meta.dirname, '..', '..');

function brokerEnv(urls: TestUrls = testUrls()): Record<string, string> {
  return { WARREN_MANAGEMENT_URL: urls.management, WARREN_AMQP_URL: urls.amqp, NO_COLOR: '1' };
}

/** `warren <args>` in this process, as a non-interactive user would run it. */
export function warren(...args: string[]): Promise<CliResult> {
  return warrenAt(testUrls(), ...args);
}

/** `warren <args>` in this process, against the broker (or cluster) at `urls`. */
export async function warrenAt(urls: TestUrls, ...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    env: { ...process.env, ...brokerEnv(urls) },
    stdinIsTTY: false,
    stdoutIsTTY: false,
    cwd: repoRoot,
    ask: () => Promise.reject(new Error('no terminal in tests')),
  });
  return { code, stdout, stderr };
}

/** `./bin/warren <args>` as a child process (needs `npm run build`). */
export function warrenBin(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(join(repoRoot, 'bin', 'warren'), args, {
    cwd: repoRoot,
    env: { ...process.env, ...brokerEnv(), ...env },
    input: '',
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Write a spec (object or YAML text) to a temp file; returns its path. */
export function specFile(spec: unknown, name = 'topology.yaml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'warren-test-'));
  const path = join(dir, name);
  writeFileSync(path, typeof spec === 'string' ? spec : stringify(spec));
  return path;
}

/** A copy of a spec file of the repository whose vhosts are all renamed to `vhost`. */
export function specInVhost(file: string, vhost: string): string {
  const doc = parse(readFileSync(join(repoRoot, file), 'utf8')) as { vhosts: Record<string, unknown> };
  const merged: Record<string, unknown> = {};
  for (const body of Object.values(doc.vhosts)) merged[vhost] = body;
  return specFile({ ...doc, vhosts: merged });
}

/** `warren apply FILE --auto-approve ARGS` must exit 0; its result. */
export async function applyExpectOk(file: string, ...args: string[]): Promise<CliResult> {
  const r = await warren('apply', file, '--auto-approve', ...args);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return r;
}

/** `warren plan FILE --detailed-exitcode` must exit 0: nothing left to change. */
export async function replansEmpty(file: string): Promise<void> {
  const r = await warren('plan', file, '--detailed-exitcode');
  expect(r.code, r.stdout + r.stderr).toBe(0);
}
