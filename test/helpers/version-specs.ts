/**
 * Helpers of the version integration tests (versions*.test.ts): a spec of one
 * vhost, the vhost's queues as the broker lists them, and an apply that must
 * converge.
 */
import { expect } from 'vitest';
import { mgmt } from './broker.js';
import { specFile, warren } from './cli.js';

/** A spec of one vhost, its body given as YAML lines indented under the vhost. */
export function vhostSpec(v: string, ...body: string[]): string {
  return specFile(['version: 1', 'vhosts:', `  ${v}:`, ...body.map((l) => `    ${l}`), ''].join('\n'));
}

/** The vhost's queues, without exclusive ones (a client's own, not the topology's). */
export async function liveQueues(v: string): Promise<string[]> {
  const r = await mgmt<{ name: string; exclusive: boolean }[]>('GET', `/api/queues/${encodeURIComponent(v)}?columns=name,exclusive`);
  return r.body.filter((q) => q.exclusive !== true).map((q) => q.name).sort();
}

/** `apply --auto-approve` exits 0 and the re-plan is empty; the apply's output. */
export async function applyOk(file: string): Promise<string> {
  const r = await warren('apply', file, '--auto-approve');
  expect(r.code, r.stdout + r.stderr).toBe(0);
  const again = await warren('plan', file, '--detailed-exitcode');
  expect(again.code, `${again.stdout}${again.stderr}`).toBe(0);
  return r.stdout + r.stderr;
}
