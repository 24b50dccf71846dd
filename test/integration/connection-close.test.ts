/**
 * The broker closes a whole AMQP connection for some refusals: on 3.10 (and
 * later) an unknown exchange type (503), on 4.3 a queue with
 * `x-queue-master-locator`, a denied deprecated feature (541). Built through
 * the executor, so that no plan-time check stops them first: the failure
 * must be pinned on the declaration that caused it, the other steps in
 * flight that were not confirmed are pending, and a re-run converges.
 */
import { describe, expect, it } from 'vitest';
import { applyPlan, type ApplyResult } from '../../src/apply/execute.js';
import { seg } from '../../src/live/http.js';
import { resourceKey } from '../../src/model/keys.js';
import { PLAN_FORMAT_VERSION, type PlanDocument, type PlannedChange } from '../../src/model/plan.js';
import type { Args, QueueType, Resource } from '../../src/model/types.js';
import { phaseOf } from '../../src/plan/order.js';
import { renderApplyJson, renderApplyText } from '../../src/render/apply-result.js';
import { plainStyle } from '../../src/render/style.js';
import { brokerAtLeast, freshVhosts, mgmt, testUrls } from '../helpers/broker.js';

const vhost = freshVhosts();

const create = (r: Resource): PlannedChange => {
  const c = { action: 'create', kind: r.kind, vhost: r.vhost, name: r.name, key: resourceKey(r), fields: [], reasons: [], after: r } as const;
  return { ...c, phase: phaseOf(c) };
};
const queue = (v: string, name: string, args: Args = {}, type: QueueType = 'classic'): PlannedChange =>
  create({ kind: 'queue', vhost: v, name, type, durable: true, auto_delete: false, arguments: args });
const exchange = (v: string, name: string, type: string): PlannedChange =>
  create({ kind: 'exchange', vhost: v, name, type, durable: true, auto_delete: false, internal: false, arguments: {} });
const plan = (changes: PlannedChange[]): PlanDocument => ({
  format_version: PLAN_FORMAT_VERSION, warren_version: 'test', broker_version: null, vhosts: [...new Set(changes.map((c) => c.vhost))], prune: false,
  changes, unmanaged: [], hazards: [], warnings: [], summary: { create: changes.length, update: 0, replace: 0, delete: 0, unmanaged: 0 },
});
// Few channels, so that the steps right after the bad one are in flight with it, not done before it
const run = (p: PlanDocument): Promise<ApplyResult> => applyPlan(p, testUrls(), { allowDataLoss: false, concurrency: 4 });
const names = (cs: readonly PlannedChange[]): string[] => cs.map((c) => c.name).sort();

/** Whether the broker denies a deprecated feature (3.10 has no such endpoint: nothing is denied). */
async function denied(feature: string): Promise<boolean> {
  const res = await mgmt<Array<{ name: string; state?: string; deprecation_phase?: string }>>('GET', '/api/deprecated-features');
  // 3.10 has no such endpoint (404, or 406 to a client that accepts JSON)
  if (!res.ok) return false;
  const f = res.body.find((x) => x.name === feature);
  return (f?.state ?? f?.deprecation_phase) === 'denied' || (f?.state === undefined && f?.deprecation_phase === 'denied_by_default');
}

/** Every declared step is applied, pending, or the one failure; nothing is lost or counted twice. */
function accountsForAll(p: PlanDocument, r: ApplyResult): void {
  expect([...names(r.applied), ...names(r.pending), ...(r.failed ? [r.failed.change.name] : [])].sort()).toEqual(names(p.changes));
  expect(r.alsoFailed).toEqual([]);
}

describe('a declaration that makes the broker close the whole connection', () => {
  it('is the one blamed (3.10: unknown exchange type, 503); the unconfirmed rest is pending; a re-run converges', async () => {
    const v = await vhost('close-xtype');
    const fine = Array.from({ length: 24 }, (_, i) => exchange(v, `x${String(i).padStart(2, '0')}`, i % 2 === 0 ? 'direct' : 'fanout'));
    const p = plan([...fine.slice(0, 12), exchange(v, 'x-bad', 'x-no-such-type'), ...fine.slice(12), queue(v, 'later')]);
    const r = await run(p);
    expect(r.failed?.change.name).toBe('x-bad');
    expect(r.failed?.error.code).toBe('APPLY_STEP_FAILED');
    if (brokerAtLeast(4)) {
      // 4.x (measured on 4.3.6) closes only the channel: an ordinary refusal, the other steps finish
      expect(r.failed?.error.message).toContain("PRECONDITION_FAILED - unknown exchange type 'x-no-such-type' (AMQP 406)");
      expect(r.failed?.error.message).not.toContain('closed the AMQP connection');
    } else {
      expect(r.failed?.error.message).toContain("the broker closed the AMQP connection to vhost '" + v + "': COMMAND_INVALID - unknown exchange type 'x-no-such-type' (AMQP 503)");
      expect(r.failed?.error.message).toMatch(/plugin/);
    }
    expect(r.failed?.error.message).not.toMatch(/does not say which/);
    accountsForAll(p, r);
    console.info(`[close] applied ${r.applied.length}, pending ${r.pending.length}: ${r.failed?.error.message ?? ""}`);
    expect(names(r.pending)).toContain('later');
    // text and JSON list the same pending steps
    const text = renderApplyText(p, r, plainStyle);
    expect(text).toContain(`${r.pending.length} pending`);
    const json = JSON.parse(renderApplyJson(p, r)) as { pending: Array<{ name: string }>; failed: { name: string } };
    expect(json.failed.name).toBe('x-bad');
    expect(json.pending.map((c) => c.name).sort()).toEqual(names(r.pending));

    // without the bad one, a re-run applies everything the first run did not confirm
    const again = await run(plan(p.changes.filter((c) => c.name !== 'x-bad')));
    expect(again.failed).toBeNull();
    const live = await mgmt<Array<{ name: string }>>('GET', `/api/exchanges/${seg(v)}?columns=name`);
    expect(live.body.map((x) => x.name).filter((n) => n.startsWith('x'))).toEqual(names(fine));
  });

  it('is the queue with x-queue-master-locator where 4.3 denies it (541), among others in flight; 3.10 accepts it', async () => {
    const v = await vhost('close-qml');
    // quorum queues take a while to declare: several are still in flight when the connection is closed
    const fine = Array.from({ length: 24 }, (_, i) => queue(v, `q${String(i).padStart(2, '0')}`, {}, i % 2 === 0 ? 'quorum' : 'classic'));
    const bad = queue(v, 'q-locator', { 'x-queue-master-locator': 'min-masters' });
    const p = plan([...fine.slice(0, 12), bad, ...fine.slice(12)]);
    const r = await run(p);
    if (!(await denied('queue_master_locator'))) {
      // 3.10 (and 4.0, where the feature is permitted): an ordinary queue argument
      expect(r.failed).toBeNull();
      expect(names(r.applied)).toEqual(names(p.changes));
      return;
    }
    expect(r.failed?.change.name).toBe('q-locator');
    expect(r.failed?.error.message).toContain('Feature `queue_master_locator` is deprecated');
    expect(r.failed?.error.message).toContain('(AMQP 541)');
    expect(r.failed?.error.message).not.toMatch(/does not say which/);
    accountsForAll(p, r);
    console.info(`[close] applied ${r.applied.length}, pending ${r.pending.length}: ${r.failed?.error.message ?? ""}`);
    expect((await mgmt('GET', `/api/queues/${seg(v)}/q-locator`)).status).toBe(404);

    const again = await run(plan(fine));
    expect(again.failed).toBeNull();
    const live = await mgmt<Array<{ name: string }>>('GET', `/api/queues/${seg(v)}?columns=name`);
    expect(live.body.map((q) => q.name).sort()).toEqual(names(fine));
  });
});

describe('a connection close whose reason names no declaration', () => {
  it('is pinned by sending each declaration in flight again alone (a frame larger than frame_max)', async () => {
    const v = await vhost('close-frame');
    const fine = Array.from({ length: 12 }, (_, i) => queue(v, `q${String(i).padStart(2, '0')}`, {}, i % 2 === 0 ? 'quorum' : 'classic'));
    // 3.10 closes the connection with 501 FRAME_ERROR ({frame_too_large,...}); 4.3.6 resets it
    const big = queue(v, 'q-big', { 'x-note': 'x'.repeat(20_000) });
    const p = plan([...fine.slice(0, 6), big, ...fine.slice(6)]);
    const amqp = new URL(testUrls().amqp);
    amqp.searchParams.set('frame_max', '8192'); // 4.3.6 refuses a connection that asks for less
    const r = await applyPlan(p, { management: testUrls().management, amqp: amqp.toString() }, { allowDataLoss: false, concurrency: 4 });
    console.info(`[close] applied ${r.applied.length}, pending ${r.pending.length}: ${r.failed?.error.message ?? ''}`);
    expect(r.failed?.change.name).toBe('q-big');
    expect(r.failed?.error.message).toContain("the broker closed the AMQP connection to vhost '");
    expect(r.failed?.error.message).not.toMatch(/does not say which/);
    accountsForAll(p, r);
    expect((await mgmt('GET', `/api/queues/${seg(v)}/q-big`)).status).toBe(404);
    const again = await run(plan(fine));
    expect(again.failed).toBeNull();
  });
});
