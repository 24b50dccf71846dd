/**
 * Issue 14 follow-up: a definitions export of one vhost (GET
 * /api/definitions/{vhost}) is loaded into the vhost named with
 * `--into-vhost`, as the broker's per-vhost import (POST
 * /api/definitions/{vhost}) takes it: applied into another vhost, which
 * Warren creates, it re-plans empty and drifts green; and a vhost the broker
 * imported it into re-plans empty too. What the export holds is asserted
 * per version (3.10 names the vhost on policies and parameters, 4.3 on
 * nothing and marks the file `single_virtual_host`).
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { brokerAtLeast, brokerVersion, freshVhosts, mgmt } from '../helpers/broker.js';
import { specFile, warren } from '../helpers/cli.js';

const enc = encodeURIComponent;
const vhost = freshVhosts();
let source = '';
let exported: Record<string, unknown> = {};
let file = '';

async function put(path: string, body: unknown): Promise<void> {
  const r = await mgmt('PUT', path, body);
  expect(r.ok, `${path}: ${JSON.stringify(r.body)}`).toBe(true);
}

beforeAll(async () => {
  source = await vhost('vhostfile-src');
  const v = enc(source);
  await put(`/api/exchanges/${v}/orders`, { type: 'topic', durable: true });
  await put(`/api/queues/${v}/orders.created`, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  expect((await mgmt('POST', `/api/bindings/${v}/e/orders/q/orders.created`, { routing_key: 'order.created.#' })).ok).toBe(true);
  await put(`/api/policies/${v}/lengths`, { pattern: '^orders', definition: { 'max-length': 1000 }, 'apply-to': 'queues' });
  await put(`/api/operator-policies/${v}/cap`, { pattern: '.*', definition: { 'max-length': 100000 }, 'apply-to': 'queues' });
  await put(`/api/vhost-limits/${v}/max-queues`, { value: 50 });
  await put(`/api/parameters/federation-upstream/${v}/upstream`, { value: { uri: 'amqp://localhost' } });
  const r = await mgmt<Record<string, unknown>>('GET', `/api/definitions/${v}`);
  expect(r.status).toBe(200);
  exported = r.body;
  file = specFile(JSON.stringify(exported, null, 2), 'vhost-export.json');
});

describe(`definitions export of one vhost (broker ${brokerVersion()})`, () => {
  it('holds exchanges, queues, bindings, policies and parameters, no users, permissions or vhosts; names its vhost as the version does', () => {
    for (const section of ['exchanges', 'queues', 'bindings', 'policies', 'parameters']) expect(exported[section], section).toHaveLength(section === 'parameters' ? 3 : 1);
    for (const absent of ['users', 'permissions', 'topic_permissions', 'vhosts']) expect(exported, absent).not.toHaveProperty(absent);
    const named = (section: string): unknown[] => (exported[section] as { vhost?: unknown }[]).map((e) => e.vhost);
    for (const section of ['exchanges', 'queues', 'bindings']) expect(named(section)).toEqual([undefined]);
    // 4.x (measured on 4.0.5 and 4.3.6) marks the format and names no vhost anywhere
    if (brokerAtLeast(4, 0)) {
      expect(exported.rabbitmq_definition_format).toBe('single_virtual_host');
      expect(named('policies')).toEqual([undefined]);
      expect(exported.limits).toEqual({ 'max-queues': 50 });
    } else {
      // 3.10 writes the exported vhost's name on policies and parameters; the import ignores it.
      expect(exported).not.toHaveProperty('rabbitmq_definition_format');
      expect(named('policies')).toEqual([source]);
      expect(named('parameters')).toEqual([source, source, source]);
    }
  });

  it('without --into-vhost, every command that loads it says how to name the vhost', async () => {
    for (const command of ['validate', 'plan', 'lint']) {
      const r = await warren(command, file);
      expect(r.code, `${command}: ${r.stdout}${r.stderr}`).toBe(1);
      expect(r.stderr).toContain('error DEFINITIONS_WITHOUT_VHOST');
      expect(r.stderr).toContain('--into-vhost NAME');
      expect(r.stderr).not.toContain('SCHEMA_REQUIRED');
    }
  });

  it('apply --into-vhost creates the vhost and everything in it; re-plans empty; drift is green', async () => {
    const other = vhost.adopt(`warren-test-vhostfile-other-${randomBytes(4).toString('hex')}`);
    const applied = await warren('apply', file, '--into-vhost', other, '--auto-approve');
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const o = enc(other);
    expect((await mgmt<{ type: string }>('GET', `/api/queues/${o}/orders.created`)).body.type).toBe('quorum');
    expect((await mgmt<{ routing_key: string }[]>('GET', `/api/bindings/${o}/e/orders/q/orders.created`)).body.map((b) => b.routing_key)).toEqual(['order.created.#']);
    expect((await mgmt<{ pattern: string }>('GET', `/api/policies/${o}/lengths`)).body.pattern).toBe('^orders');
    expect((await mgmt<{ pattern: string }>('GET', `/api/operator-policies/${o}/cap`)).body.pattern).toBe('.*');
    expect((await mgmt<{ value: unknown }[]>('GET', `/api/vhost-limits/${o}`)).body.map((l) => l.value)).toEqual([{ 'max-queues': 50 }]);
    expect((await mgmt('GET', `/api/parameters/federation-upstream/${o}/upstream`)).status).toBe(200);
    // The source vhost is untouched (3.10's policies still name it).
    expect((await mgmt<unknown[]>('GET', `/api/queues/${enc(source)}`)).body).toHaveLength(1);

    const planned = await warren('plan', file, '--into-vhost', other, '--detailed-exitcode');
    expect(planned.code, planned.stdout + planned.stderr).toBe(0);
    const drift = await warren('drift', file, '--into-vhost', other);
    expect(drift.code, drift.stdout + drift.stderr).toBe(0);
    expect(drift.stdout).toContain('No drift');
  });

  it('a vhost the broker imported the export into re-plans empty, even with --prune', async () => {
    const imported = await vhost('vhostfile-imported');
    expect((await mgmt('POST', `/api/definitions/${enc(imported)}`, exported)).status).toBe(204);
    const planned = await warren('plan', file, '--into-vhost', imported, '--prune', '--detailed-exitcode');
    expect(planned.code, planned.stdout + planned.stderr).toBe(0);
  });
});
