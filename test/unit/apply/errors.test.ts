import { describe, expect, it } from 'vitest';
import { amqpTarget } from '../../../src/apply/amqp-connection.js';
import { adviceFor, describeChange, parseAmqpError, stepDiagnostic } from '../../../src/apply/errors.js';
import { diagnostic, WarrenError } from '../../../src/model/diagnostics.js';
import type { PlannedChange } from '../../../src/model/plan.js';

const change: PlannedChange = {
  action: 'delete',
  kind: 'queue',
  vhost: 'v',
  name: 'q',
  key: '["queue","v","q"]',
  fields: [],
  reasons: [],
  phase: 'delete-queues',
};

function amqpError(message: string, code: number): Error {
  return Object.assign(new Error(message), { code });
}

describe('parseAmqpError', () => {
  it('extracts the reply code and text from amqplib messages', () => {
    const err = amqpError(
      `Operation failed: QueueDelete; 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - queue 'q' in vhost 'v' not empty"`,
      406,
    );
    expect(parseAmqpError(err)).toEqual({ code: 406, text: "PRECONDITION_FAILED - queue 'q' in vhost 'v' not empty" });
    expect(parseAmqpError(new Error('Channel ended, no reply will be forthcoming'))).toEqual({
      code: undefined,
      text: 'Channel ended, no reply will be forthcoming',
    });
  });
});

describe('stepDiagnostic', () => {
  it('names the change, quotes the broker and says what to do', () => {
    const err = amqpError(`Operation failed: QueueDelete; 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - queue 'q' in vhost 'v' not empty"`, 406);
    expect(stepDiagnostic(change, err, [])).toEqual({
      code: 'APPLY_STEP_FAILED',
      severity: 'error',
      message:
        `delete queue "q" in vhost "v" failed: PRECONDITION_FAILED - queue 'q' in vhost 'v' not empty (AMQP 406); ` +
        'the queue holds messages; re-run with --allow-data-loss to delete it anyway, or drain it first',
    });
  });

  it('keeps broker-level codes and masks secrets', () => {
    const err = new WarrenError(diagnostic('BROKER_UNREACHABLE', 'cannot reach amqp://guest:guest@h as guest'));
    expect(stepDiagnostic(change, err, ['guest'])).toMatchObject({
      code: 'BROKER_UNREACHABLE',
      message: 'delete queue "q" in vhost "v" failed: cannot reach amqp://guest:****@h as guest',
    });
    const foreign = amqpError('Operation failed: X; 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - pw hunter2"', 403);
    expect(stepDiagnostic(change, foreign, ['hunter2']).message).toContain('ACCESS_REFUSED - pw **** (AMQP 403)');
  });
});

describe('adviceFor', () => {
  it('explains the common refusals', () => {
    expect(adviceFor(change, { code: 406, text: "PRECONDITION_FAILED - queue 'q' in vhost 'v' in use" })).toMatch(/consumers/);
    expect(adviceFor({ action: 'delete', kind: 'exchange' }, { code: 406, text: "PRECONDITION_FAILED - exchange 'x' in vhost 'v' in use" })).toMatch(/source of bindings/);
    expect(adviceFor(change, { code: 405, text: 'RESOURCE_LOCKED' })).toMatch(/exclusive/);
    expect(adviceFor(change, { code: 403, text: 'ACCESS_REFUSED' })).toMatch(/permission/);
    expect(adviceFor({ action: 'create', kind: 'exchange' }, { code: 503, text: "COMMAND_INVALID - unknown exchange type 'x-foo'" })).toMatch(/plugin/);
  });

  it('describes changes', () => {
    expect(describeChange(change)).toBe('delete queue "q" in vhost "v"');
    expect(describeChange({ action: 'create', kind: 'vhost', vhost: '/', name: '/' })).toBe('create vhost "/"');
  });
});

describe('amqpTarget', () => {
  it('points the URL at the vhost and keeps the credentials', () => {
    const t = amqpTarget('amqp://app:p%40ss@rabbit:5673/old?heartbeat=10', '/');
    expect(t.connect).toEqual({
      protocol: 'amqp',
      hostname: 'rabbit',
      port: 5673,
      username: 'app',
      password: 'p@ss',
      heartbeat: 10,
      vhost: '%2F',
    });
    expect(t.redactedUrl).toBe('amqp://app:****@rabbit:5673/%2F');
    expect(t.user).toBe('app');
  });

  it('defaults port, heartbeat and guest credentials', () => {
    expect(amqpTarget('amqps://[::1]', 'a b').connect).toEqual({
      protocol: 'amqps',
      hostname: '::1',
      port: 5671,
      username: 'guest',
      password: 'guest',
      heartbeat: 30,
      vhost: 'a%20b',
    });
    expect(() => amqpTarget('http://x', 'v')).toThrow(/must start with amqp/);
  });
});
