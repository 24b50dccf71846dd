/**
 * Version facts read from the real broker: its deprecated features and
 * feature flags decide what plan refuses (before apply changes anything),
 * and what 3.10, 4.0 and 4.3 really accept is asserted per version, read
 * from `/api/overview`, never skipped.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { brokerVersion, freshVhosts, mgmt, testUrls } from '../helpers/broker.js';
import { warren } from '../helpers/cli.js';
import { readBrokerFeatures } from '../../src/live/broker-features.js';
import { ManagementClient } from '../../src/live/http.js';
import { atLeast } from '../../src/model/versions.js';
import { applyOk, liveQueues, vhostSpec } from '../helpers/version-specs.js';

const enc = encodeURIComponent;
const vhost = freshVhosts();
const version = brokerVersion();
const on43 = (): boolean => atLeast(version, '4.3.0');
const on4 = (): boolean => atLeast(version, '4.0.0');

describe('the broker’s own facts', () => {
  const client = new ManagementClient(testUrls().management);
  afterAll(() => client.close());

  it('deprecated features from the broker where it has them, else nothing (the table decides)', async () => {
    const facts = await readBrokerFeatures(client);
    expect(facts.featureFlags?.['quorum_queue']).toBe('enabled');
    if (on43()) {
      expect(facts.deprecatedFeatures).toMatchObject({ queue_master_locator: 'denied', transient_nonexcl_queues: 'permitted', classic_queue_mirroring: 'removed' });
      expect(facts.featureFlags?.['rabbit_exchange_type_local_random']).toBe('enabled');
    } else if (on4()) {
      expect(facts.deprecatedFeatures).toMatchObject({ queue_master_locator: 'permitted', transient_nonexcl_queues: 'permitted', classic_queue_mirroring: 'removed' });
    } else if (atLeast(version, '3.13.0')) {
      expect(facts.deprecatedFeatures).toBeDefined();
    } else {
      // 3.10-3.12: GET /api/deprecated-features answers 404.
      expect(facts.deprecatedFeatures).toBeUndefined();
    }
  });
});

describe('deprecated features in plan', () => {
  it('x-queue-master-locator: refused by plan on 4.3 before any change, naming the feature and the key; applied elsewhere', async () => {
    const v = await vhost('versions-qml');
    const file = vhostSpec(v, 'queues:', '  plain: {}', '  located: { arguments: { x-queue-master-locator: client-local } }');
    const plan = await warren('plan', file);
    const apply = await warren('apply', file, '--auto-approve');
    if (on43()) {
      for (const r of [plan, apply]) {
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`${file}:6:55: error DEPRECATED_FEATURE_DENIED: queue "located" in vhost "${v}" uses the deprecated feature \`queue_master_locator\``);
        expect(r.stderr).toContain('deprecated_features.permit.queue_master_locator = true');
      }
      // Nothing was applied, not even the queue before it.
      expect(await liveQueues(v)).toEqual([]);
      // What plan foresaw is what the broker does.
      const direct = await mgmt('PUT', `/api/queues/${enc(v)}/direct`, { durable: true, arguments: { 'x-queue-master-locator': 'client-local' } });
      expect(direct.status).toBe(400);
      expect(JSON.stringify(direct.body)).toContain('queue_master_locator');
    } else {
      expect(plan.code, plan.stderr).toBe(0);
      expect((plan.stdout + plan.stderr).includes('DEPRECATED_FEATURE_USED')).toBe(on4());
      expect(apply.code, apply.stderr).toBe(0);
      expect(await liveQueues(v)).toEqual(['located', 'plain']);
    }
  });

  it('a transient non-exclusive queue plans and applies (4.3 permits it by default), with a warning on 4.x', async () => {
    const v = await vhost('versions-transient');
    const file = vhostSpec(v, 'queues:', '  scratch: { durable: false }');
    const plan = await warren('plan', file);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).not.toContain('TRANSIENT_QUEUE_REFUSED');
    if (on4()) {
      expect(plan.stdout + plan.stderr).toContain('DEPRECATED_FEATURE_USED');
      expect(plan.stdout + plan.stderr).toContain('`transient_nonexcl_queues`');
    } else {
      expect(plan.stdout + plan.stderr).not.toContain('DEPRECATED_FEATURE');
    }
    await applyOk(file);
    const live = await mgmt<{ durable: boolean }>('GET', `/api/queues/${enc(v)}/scratch`);
    expect(live.body.durable).toBe(false);
  });
});

describe('a shovel with an old-form AMQP 1.0 address', () => {
  it('plan warns where the broker denies amqp_address_v1 (4.3 by default), and only there', async () => {
    const v = await vhost('versions-shovel');
    const file = vhostSpec(v, 'shovels:', "  old: { src-protocol: amqp10, src-uri: 'amqp://', src-address: /queue/a, dest-protocol: amqp10, dest-uri: 'amqp://', dest-address: /queues/b }");
    const plan = await warren('plan', file);
    expect(plan.code, plan.stderr).toBe(0);
    const out = plan.stdout + plan.stderr;
    expect(out.includes('`amqp_address_v1`')).toBe(on43());
  });
});

describe('what each version refuses, found by plan', () => {
  it('x-queue-version 1: refused on 4.3 (as the broker does), applied on 4.0 and 3.10', async () => {
    const v = await vhost('versions-cqv1');
    const file = vhostSpec(v, 'queues:', '  old: { arguments: { x-queue-version: 1 } }');
    const direct = await mgmt('PUT', `/api/queues/${enc(v)}/probe`, { durable: true, arguments: { 'x-queue-version': 1 } });
    const plan = await warren('plan', file);
    if (on43()) {
      expect(direct.status).toBe(400);
      expect(plan.code).toBe(1);
      expect(plan.stderr).toContain(`${file}:5:7: error QUEUE_ARGUMENT_UNSUPPORTED:`);
    } else {
      expect(direct.status).toBe(201);
      expect(plan.code, plan.stderr).toBe(0);
      await applyOk(file);
    }
  });

  it('quorum x-max-priority: the broker refuses it on every version, and so does the spec check', async () => {
    const v = await vhost('versions-qqprio');
    const direct = await mgmt('PUT', `/api/queues/${enc(v)}/probe`, { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-max-priority': 5 } });
    expect(direct.status).toBe(400);
    const plan = await warren('plan', vhostSpec(v, 'queues:', '  prio: { type: quorum, arguments: { x-max-priority: 5 } }'));
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('error ARGUMENT_NOT_SUPPORTED: `x-max-priority` is not supported by quorum queues');
  });

  it('x-local-random: built in on 4.x, refused by plan on 3.10 with the version that has it', async () => {
    const v = await vhost('versions-local-random');
    const file = vhostSpec(v, 'exchanges:', '  spread: { type: x-local-random }', 'queues:', '  q: { bind: [{ exchange: spread }] }');
    if (on4()) {
      await applyOk(file);
    } else {
      const plan = await warren('plan', file);
      expect(plan.code).toBe(1);
      expect(plan.stderr).toContain('error EXCHANGE_TYPE_NOT_AVAILABLE:');
      expect(plan.stderr).toContain('built in from RabbitMQ 4.0.0');
    }
  });

  it('delayed-retry policy keys: taken (and read back the same) on 4.3, refused by plan before 4.3', async () => {
    const v = await vhost('versions-retry');
    const file = vhostSpec(
      v,
      'queues:',
      '  work: { type: quorum }',
      'policies:',
      '  retry: { pattern: "^work$", apply-to: queues, definition: { delayed-retry-type: failed, delayed-retry-min: 1000, delayed-retry-max: 60000 } }',
    );
    if (on43()) {
      const out = await applyOk(file);
      expect(out).not.toContain('POLICY_KEY_UNKNOWN');
      const live = await mgmt<{ definition: Record<string, unknown> }>('GET', `/api/policies/${enc(v)}/retry`);
      expect(live.body.definition).toEqual({ 'delayed-retry-type': 'failed', 'delayed-retry-min': 1000, 'delayed-retry-max': 60000 });
    } else {
      const plan = await warren('plan', file);
      expect(plan.code).toBe(1);
      expect(plan.stderr).toContain(`${file}:7:7: error POLICY_KEY_UNSUPPORTED: policy "retry" in vhost "${v}" sets "delayed-retry-type", which RabbitMQ ${version} does not know (it needs 4.3.0)`);
      const direct = await mgmt('PUT', `/api/policies/${enc(v)}/probe`, { pattern: '^x', definition: { 'delayed-retry-type': 'disabled' } });
      expect(direct.status).toBe(400);
    }
  });
});

describe('4.x defaults read back without false drift', () => {
  it('quorum queues: the default delivery limit is not drift; a declared one is managed; x-queue-type in the stored arguments is not drift', async () => {
    const v = await vhost('versions-qq');
    const file = vhostSpec(v, 'queues:', '  implicit: { type: quorum }', '  limited: { type: quorum, arguments: { x-delivery-limit: 20 } }', '  classic: {}');
    await applyOk(file);
    const stored = await mgmt<{ name: string; arguments: Record<string, unknown> }[]>('GET', `/api/queues/${enc(v)}?columns=name,arguments`);
    const args = new Map(stored.body.map((q) => [q.name, q.arguments]));
    // Stored among the arguments (4.x adds it to every new queue; Warren declares it on 3.10),
    // yet the plan above was in sync: the diff compares the queue type, not that argument.
    expect(args.get('classic')?.['x-queue-type']).toBe('classic');
    expect(args.get('implicit')?.['x-delivery-limit']).toBeUndefined();
    // Changing the declared limit is a change Warren sees (and must replace the queue to make).
    const changed = vhostSpec(v, 'queues:', '  implicit: { type: quorum }', '  limited: { type: quorum, arguments: { x-delivery-limit: 5 } }', '  classic: {}');
    const plan = await warren('plan', changed, '--detailed-exitcode');
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toContain('limited');
  });

  it('internal exchanges are read from /api/exchanges, which lists them even where /api/definitions omits them (4.3.3+)', async () => {
    const v = await vhost('versions-internal');
    const file = vhostSpec(v, 'exchanges:', '  hidden: { type: topic, internal: true }', '  front: { type: topic }', 'bindings:', '  - { source: front, destination: hidden, destination_type: exchange, routing_key: "#" }');
    await applyOk(file);
    const defs = await mgmt<{ exchanges: { name: string }[] }>('GET', `/api/definitions/${enc(v)}`);
    expect(defs.body.exchanges.some((x) => x.name === 'hidden')).toBe(!atLeast(version, '4.3.3'));
  });
});
