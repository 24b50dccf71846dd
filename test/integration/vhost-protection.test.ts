/**
 * Vhost deletion protection (RabbitMQ 4.0.6+), managed: set, kept, lifted,
 * exported; refused at plan time on brokers without it (3.10, 4.0.5), each
 * version asserted as it behaves.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { brokerAtLeast, brokerVersion, freshVhosts, mgmt } from '../helpers/broker.js';
import { specFile, warren } from '../helpers/cli.js';

const enc = encodeURIComponent;
const vhosts = freshVhosts();

const spec = (v: string, field: string): string => specFile(`version: 1\nvhosts:\n  ${v}:\n    description: protect test\n${field}    queues:\n      q: {}\n`);
const protectedOf = async (v: string): Promise<unknown> => (await mgmt<{ protected_from_deletion?: boolean }>('GET', `/api/vhosts/${enc(v)}`)).body.protected_from_deletion;

async function applyOk(file: string): Promise<string> {
  const r = await warren('apply', file, '--auto-approve');
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return r.stdout;
}
async function planCode(file: string): Promise<number> {
  const r = await warren('plan', file, '--detailed-exitcode');
  expect(r.code === 0 || r.code === 2, r.stdout + r.stderr).toBe(true);
  return r.code;
}

describe('vhost deletion protection', () => {
  it('is set, kept when left out, lifted and exported on 4.0.6+; refused at plan time before', async () => {
    const v = vhosts.adopt(`protect-${randomBytes(3).toString('hex')}`);
    const on = spec(v, '    protected_from_deletion: true\n');
    if (!brokerAtLeast(4, 0, 6)) {
      const r = await warren('apply', on, '--auto-approve');
      expect(r.code, r.stdout + r.stderr).not.toBe(0);
      expect(r.stderr).toMatch(/topology\.yaml:3:\d+/);
      expect(r.stderr).toContain('VHOST_PROTECTION_UNSUPPORTED');
      expect(r.stderr).toContain(`RabbitMQ ${brokerVersion()} does not support`);
      expect((await mgmt('GET', `/api/vhosts/${enc(v)}`)).status).toBe(404);
      // The broker has no such endpoint (405 on 3.10.8 and 4.0.5) and reports no field.
      await applyOk(spec(v, '    protected_from_deletion: false\n'));
      expect((await mgmt('POST', `/api/vhosts/${enc(v)}/deletion/protection`)).status).toBe(405);
      expect(await protectedOf(v)).toBeUndefined();
      expect(await planCode(spec(v, '    protected_from_deletion: false\n'))).toBe(0);
      return;
    }
    // Created, then protected once it exists.
    await applyOk(on);
    expect(await protectedOf(v)).toBe(true);
    expect((await mgmt('DELETE', `/api/vhosts/${enc(v)}`)).status).toBe(412);
    expect(await planCode(on)).toBe(0);
    // Left out: left as it is, also by an update of other fields.
    const without = specFile(`version: 1\nvhosts:\n  ${v}:\n    description: changed\n    queues:\n      q: {}\n`);
    await applyOk(without);
    expect(await protectedOf(v)).toBe(true);
    expect(await planCode(without)).toBe(0);
    // Export writes it, so its plan is empty.
    const exported = await warren('export', '--vhost', v);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('protected_from_deletion: true');
    expect(await planCode(specFile(exported.stdout))).toBe(0);
    const defs = await warren('export', '--vhost', v, '--format', 'definitions');
    expect(defs.stdout).toContain('"protected_from_deletion": true');
    expect(await planCode(specFile(defs.stdout, 'defs.json'))).toBe(0);
    // Lifted by the spec: an update, then the vhost can be deleted.
    const off = spec(v, '    protected_from_deletion: false\n');
    expect(await planCode(off)).toBe(2);
    await applyOk(off);
    expect(await protectedOf(v)).toBe(false);
    expect(await planCode(off)).toBe(0);
    expect(await planCode(on)).toBe(2);
  });
});
