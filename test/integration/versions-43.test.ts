/**
 * What 4.3 refuses that older versions take, found before apply changes
 * anything: the 4.3 quorum-queue arguments on other queue types, topic keys
 * with more than two `#` words, and a saved plan that the broker would
 * refuse. Asserted per version (read from `/api/overview`), never skipped;
 * each expectation of Warren is next to what the broker itself does.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { brokerVersion, freshVhosts, mgmt } from '../helpers/broker.js';
import { warren } from '../helpers/cli.js';
import { atLeast } from '../../src/model/versions.js';
import { applyOk, liveQueues, vhostSpec } from '../helpers/version-specs.js';

const enc = encodeURIComponent;
const vhost = freshVhosts();
const version = brokerVersion();
const on43 = (): boolean => atLeast(version, '4.3.0');
const on4 = (): boolean => atLeast(version, '4.0.0');

const count = (text: string, word: string): number => text.split(word).length - 1;

describe('the 4.3 quorum-queue arguments', () => {
  it('x-consumer-timeout and x-delayed-retry-type on a classic queue: refused by plan on 4.3 at the argument, before any change; kept and ignored before 4.3', async () => {
    const v = await vhost('versions2-cqargs');
    const file = vhostSpec(v, 'queues:', '  plain: {}', '  c: { arguments: { x-consumer-timeout: 60000, x-delayed-retry-type: all } }');
    const direct = await mgmt('PUT', `/api/queues/${enc(v)}/probe`, { durable: true, arguments: { 'x-queue-type': 'classic', 'x-consumer-timeout': 60000 } });
    await mgmt('DELETE', `/api/queues/${enc(v)}/probe`);
    const plan = await warren('plan', file);
    if (on43()) {
      expect(direct.status).toBe(400);
      expect(JSON.stringify(direct.body)).toContain("invalid arg 'x-consumer-timeout'");
      const apply = await warren('apply', file, '--auto-approve');
      for (const r of [plan, apply]) {
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`${file}:6:45: error QUEUE_ARGUMENT_UNSUPPORTED: queue "c" in vhost "${v}" sets \`x-consumer-timeout\`, which RabbitMQ ${version} refuses on classic queues`);
        expect(r.stderr).toContain(`${file}:6:74: error QUEUE_ARGUMENT_UNSUPPORTED: queue "c" in vhost "${v}" sets \`x-delayed-retry-type\``);
        // Once: the spec's version-blind warning of the same argument gives way.
        expect(r.stderr).not.toContain('ARGUMENT_NOT_SUPPORTED');
      }
      expect(await liveQueues(v)).toEqual([]);
    } else {
      expect(direct.status).toBe(201);
      expect(plan.code, plan.stderr).toBe(0);
      const out = plan.stdout + plan.stderr;
      expect(out).toContain(`${file}:6:45: warning QUEUE_ARGUMENT_NOT_IN_VERSION: queue "c" in vhost "${v}" sets \`x-consumer-timeout\`, which RabbitMQ ${version} does not know (it needs 4.3.0)`);
      expect(out).not.toContain('ARGUMENT_NOT_SUPPORTED');
      expect(count(out, '`x-consumer-timeout`')).toBe(1);
      await applyOk(file);
      const live = await mgmt<{ arguments: Record<string, unknown> }>('GET', `/api/queues/${enc(v)}/c`);
      expect(live.body.arguments).toMatchObject({ 'x-consumer-timeout': 60000, 'x-delayed-retry-type': 'all' });
    }
  });

  it('delayed retry and consumer timeout on a quorum queue: applied and read back without drift on every version; a warning before 4.3', async () => {
    const v = await vhost('versions2-qqargs');
    const file = vhostSpec(v, 'queues:', '  work: { type: quorum, arguments: { x-delayed-retry-type: failed, x-delayed-retry-min: 1000, x-delayed-retry-max: 30000, x-consumer-timeout: 60000 } }');
    const plan = await warren('plan', file);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout + plan.stderr).not.toContain('UNKNOWN_ARGUMENT');
    expect(count(plan.stdout + plan.stderr, 'QUEUE_ARGUMENT_NOT_IN_VERSION')).toBe(on43() ? 0 : 4);
    await applyOk(file);
    const live = await mgmt<{ arguments: Record<string, unknown> }>('GET', `/api/queues/${enc(v)}/work`);
    expect(live.body.arguments).toMatchObject({ 'x-delayed-retry-type': 'failed', 'x-delayed-retry-min': 1000, 'x-delayed-retry-max': 30000, 'x-consumer-timeout': 60000 });
  });

  it('policies: 4.3 takes delayed-retry keys in a policy that also matches classic queues and streams (the policy applies to them; the keys do nothing there)', async () => {
    const v = await vhost('versions2-retrypol');
    await mgmt('PUT', `/api/queues/${enc(v)}/cq`, { durable: true, arguments: { 'x-queue-type': 'classic' } });
    const put = await mgmt('PUT', `/api/policies/${enc(v)}/retry`, { pattern: '^cq$', 'apply-to': 'queues', definition: { 'delayed-retry-type': 'all', 'delayed-retry-min': 1000 } });
    if (!on43()) {
      expect(put.status).toBe(400);
      return;
    }
    expect(put.status).toBe(201);
    // The classic queue takes the policy (it is not among the classic queue type's unsupported keys).
    let policy: unknown = null;
    for (let i = 0; i < 40 && policy !== 'retry'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      policy = (await mgmt<{ policy: unknown }>('GET', `/api/queues/${enc(v)}/cq`)).body.policy;
    }
    expect(policy).toBe('retry');
  });
});

describe('topic binding keys with more than two # words', () => {
  it('refused by plan on 4.3 at the routing key, before any change; a warning on 3.10 and 4.0, which take it', async () => {
    const v = await vhost('versions2-hash');
    const file = vhostSpec(v, 'exchanges:', '  t: { type: topic }', 'queues:', '  q: { bind: [{ exchange: t, routing_key: "#.a.#.#" }, { exchange: t, routing_key: "#.#" }] }');
    await mgmt('PUT', `/api/exchanges/${enc(v)}/probe`, { type: 'topic', durable: true });
    await mgmt('PUT', `/api/queues/${enc(v)}/probe`, { durable: true });
    const direct = await mgmt('POST', `/api/bindings/${enc(v)}/e/probe/q/probe`, { routing_key: '#.#.#' });
    const two = await mgmt('POST', `/api/bindings/${enc(v)}/e/probe/q/probe`, { routing_key: '#.a.#' });
    expect(two.status).toBe(201);
    await mgmt('DELETE', `/api/exchanges/${enc(v)}/probe`);
    await mgmt('DELETE', `/api/queues/${enc(v)}/probe`);
    const plan = await warren('plan', file);
    if (on43()) {
      expect(direct.status).toBe(400);
      expect(JSON.stringify(direct.body)).toContain('at most 2 are allowed');
      const apply = await warren('apply', file, '--auto-approve');
      for (const r of [plan, apply]) {
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(`${file}:7:47: error TOPIC_KEY_TOO_MANY_HASHES: binding "t -> q [#.a.#.#]" in vhost "${v}"`);
        expect(r.stderr).not.toContain('warning TOPIC_KEY_TOO_MANY_HASHES');
      }
      expect(await liveQueues(v)).toEqual([]);
    } else {
      expect(direct.status).toBe(201);
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stderr).toContain(`${file}:7:47: warning TOPIC_KEY_TOO_MANY_HASHES: topic binding key "#.a.#.#" has 3 \`#\` words; RabbitMQ 4.3 and later refuse more than 2`);
      expect(count(plan.stderr, 'TOPIC_KEY_TOO_MANY_HASHES')).toBe(1);
      await applyOk(file);
    }
  });
});

describe('one report per problem', () => {
  it('a transient queue: the broker-informed warning on 4.x, the spec’s on 3.10, never both', async () => {
    const v = await vhost('versions2-once');
    const file = vhostSpec(v, 'queues:', '  scratch: { durable: false }');
    const plan = await warren('plan', file);
    expect(plan.code, plan.stderr).toBe(0);
    const out = plan.stdout + plan.stderr;
    if (on4()) {
      expect(count(out, 'DEPRECATED_FEATURE_USED')).toBe(1);
      expect(out).not.toContain('TRANSIENT_QUEUE_DEPRECATED');
      expect(out).toContain(`${file}:5:27: warning DEPRECATED_FEATURE_USED`);
    } else {
      expect(count(out, 'TRANSIENT_QUEUE_DEPRECATED')).toBe(1);
      expect(out).not.toContain('DEPRECATED_FEATURE_USED');
    }
  });
});

describe('a saved plan', () => {
  it('is checked against the broker it is applied to: what it refuses stops the plan before anything changes', async () => {
    const v = await vhost('versions2-saved');
    const file = vhostSpec(v, 'exchanges:', '  t: { type: topic }', 'queues:', '  first: {}', '  located: {}');
    const saved = `${file}.plan.json`;
    const made = await warren('plan', file, '-o', saved);
    expect(made.code, made.stderr).toBe(0);
    // As if made where the feature was still permitted: the queue uses x-queue-master-locator.
    const doc = JSON.parse(readFileSync(saved, 'utf8')) as { changes: { name: string; after?: { arguments?: Record<string, unknown> } }[] };
    const located = doc.changes.find((c) => c.name === 'located');
    expect(located?.after?.arguments).toBeDefined();
    if (located?.after?.arguments) located.after.arguments['x-queue-master-locator'] = 'client-local';
    writeFileSync(saved, JSON.stringify(doc));
    const apply = await warren('apply', saved);
    if (on43()) {
      expect(apply.code).toBe(1);
      expect(apply.stderr).toContain(`error DEPRECATED_FEATURE_DENIED: queue "located" in vhost "${v}" uses the deprecated feature \`queue_master_locator\``);
      // Not even the exchange and the queue before it.
      expect(await liveQueues(v)).toEqual([]);
      expect((await mgmt('GET', `/api/exchanges/${enc(v)}/t`)).status).toBe(404);
    } else {
      expect(apply.code, apply.stdout + apply.stderr).toBe(0);
      expect(apply.stdout + apply.stderr).toContain(on4() ? 'DEPRECATED_FEATURE_USED' : '');
      expect(await liveQueues(v)).toEqual(['first', 'located']);
    }
  });
});
