import { describe, expect, it } from 'vitest';
import { attributeLosses, causedClose, type ConnectionLoss } from '../../../src/apply/attribution.js';
import { adviceFor, parseAmqpError } from '../../../src/apply/errors.js';
import { resourceKey } from '../../../src/model/keys.js';
import type { PlannedChange } from '../../../src/model/plan.js';
import type { Args, Resource } from '../../../src/model/types.js';
import { phaseOf } from '../../../src/plan/order.js';

const create = (r: Resource): PlannedChange => {
  const c = { action: 'create', kind: r.kind, vhost: r.vhost, name: r.name, key: resourceKey(r), fields: [], reasons: [], after: r } as const;
  return { ...c, phase: phaseOf(c) };
};
const queue = (name: string, args: Args = {}, durable = true): PlannedChange =>
  create({ kind: 'queue', vhost: 'v', name, type: 'classic', durable, auto_delete: false, arguments: args });
const exchange = (name: string, type: string): PlannedChange =>
  create({ kind: 'exchange', vhost: 'v', name, type, durable: true, auto_delete: false, internal: false, arguments: {} });

const LOCATOR = {
  code: 541,
  text: 'INTERNAL_ERROR - Feature `queue_master_locator` is deprecated. By default, this feature is not permitted anymore. To con...',
};
const XTYPE = { code: 503, text: "COMMAND_INVALID - unknown exchange type 'x-nope'" };

describe('causedClose', () => {
  it('names the declaration the reason is about', () => {
    expect(causedClose(exchange('bad', 'x-nope'), XTYPE)).toBe(true);
    expect(causedClose(exchange('ok', 'direct'), XTYPE)).toBe(false);
    expect(causedClose(queue('q'), XTYPE)).toBe(false);
    expect(causedClose(queue('bad', { 'x-queue-master-locator': 'min-masters' }), LOCATOR)).toBe(true);
    expect(causedClose(queue('ok', { 'x-queue-leader-locator': 'balanced' }), LOCATOR)).toBe(false);
    const transient = { code: 541, text: 'INTERNAL_ERROR - Feature `transient_nonexcl_queues` is deprecated.' };
    expect(causedClose(queue('t', {}, false), transient)).toBe(true);
    expect(causedClose(queue('d'), transient)).toBe(false);
    expect(causedClose(queue('q'), { code: 320, text: 'CONNECTION_FORCED - Closed via management plugin' })).toBe(false);
    // a delete declares nothing
    const { after, ...rest } = exchange('bad', 'x-nope');
    const del: PlannedChange = { ...rest, action: 'delete', phase: 'delete-exchanges', ...(after ? { before: after } : {}) };
    expect(causedClose(del, XTYPE)).toBe(false);
  });
});

describe('attributeLosses', () => {
  const loss = (index: number, change: PlannedChange, connection: string, closedBy = LOCATOR as ConnectionLoss<string>['closedBy']): ConnectionLoss<string> => ({ index, change, connection, closedBy });

  it('blames the step the reason names, not the first in flight; the others are unconfirmed', () => {
    const a = loss(0, queue('a'), 'v1');
    const bad = loss(5, queue('bad', { 'x-queue-master-locator': 'min-masters' }), 'v1');
    const c = loss(6, queue('c'), 'v1');
    const r = attributeLosses([a, bad, c]);
    expect(r.blamed).toEqual([{ loss: bad, certain: true, bystanders: 2 }]);
    expect(r.unconfirmed).toEqual([a, c]);
  });

  it('blames the only step in flight; with several and no name, the first in plan order, uncertain', () => {
    const only = loss(3, queue('only'), 'v1', { code: 320, text: 'CONNECTION_FORCED' });
    expect(attributeLosses([only]).blamed).toEqual([{ loss: only, certain: true, bystanders: 0 }]);
    const x = loss(7, queue('x'), 'v2', { code: 320, text: 'CONNECTION_FORCED' });
    const y = loss(2, queue('y'), 'v2', { code: 320, text: 'CONNECTION_FORCED' });
    const r = attributeLosses([x, y]);
    expect(r.blamed).toEqual([{ loss: y, certain: false, bystanders: 1 }]);
    expect(r.unconfirmed).toEqual([x]);
  });

  it('judges each connection on its own', () => {
    const r = attributeLosses([loss(0, exchange('bad', 'x-nope'), 'v1', XTYPE), loss(1, queue('q'), 'v1', XTYPE), loss(2, queue('z'), 'v2', undefined)]);
    expect(r.blamed.map((b) => [b.loss.change.name, b.certain])).toEqual([['bad', true], ['z', true]]);
    expect(r.unconfirmed.map((l) => l.change.name)).toEqual(['q']);
  });
});

describe('a denied deprecated feature', () => {
  it('is one line, with advice naming the feature', () => {
    const f = parseAmqpError(
      Object.assign(new Error('Connection closed: 541 (INTERNAL-ERROR) with message "INTERNAL_ERROR - Feature `queue_master_locator` is deprecated.\nBy default, this feature is not permitted anymore."'), { code: 541 }),
    );
    expect(f).toEqual({ code: 541, text: 'INTERNAL_ERROR - Feature `queue_master_locator` is deprecated. By default, this feature is not permitted anymore.' });
    expect(adviceFor({ action: 'create', kind: 'queue' }, f)).toContain('deprecated_features.permit.queue_master_locator = true');
  });
});
