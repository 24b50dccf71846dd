import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { offlineCli, type OfflineResult } from '../../helpers/offline-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'warren-lint-version-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]): Promise<OfflineResult> => offlineCli(dir, ...args);

function write(name: string, ...lines: string[]): string {
  writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
  return name;
}

// A clean topology apart from what it asks of the broker version.
const head = ['version: 1', 'vhosts:', '  /:', '    exchanges: { jobs: { type: direct } }', '    queues:'];

describe('warren lint: the summary counts what the report shows', () => {
  it('a spec warning and no rule finding: the summary counts the warning, never "no findings"', async () => {
    const file = write('plugin-key.yaml', ...head, '      q: { bind: [{ exchange: jobs, routing_key: q }] }', '    policies:', '      p: { pattern: "^q", definition: { x-my-plugin-setting: 1 } }');
    const r = await cli('lint', file);
    expect(r.code).toBe(0);
    expect(r.out).toContain('plugin-key.yaml:8:62: warning POLICY_KEY_UNKNOWN:');
    expect(r.out).toContain('1 finding: 0 errors, 1 warning, 0 notes');
    expect(r.out).not.toContain('no findings');
    // Shown once, in the report, not again on stderr.
    expect(r.err).toBe('');
    const json = JSON.parse((await cli('lint', file, '--format', 'json')).out) as { summary: unknown; diagnostics: { code: string }[] };
    expect(json.summary).toEqual({ error: 0, warning: 1, note: 0 });
    expect(json.diagnostics.map((d) => d.code)).toEqual(['POLICY_KEY_UNKNOWN']);
  });

  it('a spec warning that a rule also reports is shown once, as the finding', async () => {
    const file = write('ae.yaml', 'version: 1', 'vhosts:', '  /:', '    exchanges:', '      events: { type: topic, arguments: { alternate-exchange: unrouted } }', '    queues:', '      q: { bind: [{ exchange: events, routing_key: "#" }] }');
    const r = await cli('lint', file);
    expect(r.out).not.toContain('ALTERNATE_EXCHANGE_UNDECLARED');
    expect(r.out).toContain('error UNDECLARED_ALTERNATE_EXCHANGE');
    expect(r.out).toContain('1 finding: 1 error, 0 warnings, 0 notes');
    // With the rule off, the spec's warning is what remains.
    const off = await cli('lint', write('ae-off.yaml', ...[readFileSync(join(dir, file), 'utf8').trimEnd(), 'lint: { rules: { UNDECLARED_ALTERNATE_EXCHANGE: "off" } }']));
    expect(off.out).toContain('warning ALTERNATE_EXCHANGE_UNDECLARED');
    expect(off.out).toContain('1 finding: 0 errors, 1 warning, 0 notes');
  });

  it('nothing at all still says no findings', async () => {
    const r = await cli('lint', write('clean.yaml', ...head, '      q: { bind: [{ exchange: jobs, routing_key: q }] }'));
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain('no findings');
  });
});

describe('warren lint --broker-version checks what that version takes by default', () => {
  const retry = write(
    'retry.yaml',
    ...head,
    '      q: { type: quorum, bind: [{ exchange: jobs, routing_key: q }] }',
    '    policies:',
    '      retry: { pattern: "^q", apply-to: queues, definition: { delayed-retry-type: failed, delayed-retry-min: 1000 } }',
  );

  it('the 4.3 delayed-retry keys: unknown to no version offline, refused by 3.10', async () => {
    const newest = await cli('lint', retry);
    expect(newest.code).toBe(0);
    expect(newest.out).not.toContain('POLICY_KEY');
    expect((await cli('lint', retry, '--broker-version', '4.3.6')).code).toBe(0);
    const old = await cli('lint', retry, '--broker-version', '3.10.8');
    expect(old.code).toBe(1);
    expect(old.out).toContain(
      'retry.yaml:8:7: error POLICY_KEY_UNSUPPORTED: policy "retry" in vhost "/" sets "delayed-retry-type", which RabbitMQ 3.10.8 does not know (it needs 4.3.0)',
    );
    expect(old.out).toContain('2 findings: 2 errors, 0 warnings, 0 notes');
  });

  it('x-queue-master-locator: denied by default on 4.3, deprecated on 4.0, fine on 3.10', async () => {
    const file = write('qml.yaml', ...head, '      q: { arguments: { x-queue-master-locator: client-local }, bind: [{ exchange: jobs, routing_key: q }] }');
    const on43 = await cli('lint', file, '--broker-version', 'v4.3');
    expect(on43.code).toBe(1);
    // Once, at the argument (the spec's version-blind DEPRECATED_ARGUMENT gives way to it).
    expect(on43.out).not.toContain('DEPRECATED_ARGUMENT');
    expect(on43.out).toContain('qml.yaml:6:49: error DEPRECATED_FEATURE_DENIED: queue "q" in vhost "/" uses the deprecated feature `queue_master_locator`');
    expect(on43.out).toContain('deprecated_features.permit.queue_master_locator = true');
    const on40 = await cli('lint', file, '--broker-version', '4.0.5');
    expect(on40.code).toBe(0);
    expect(on40.out).toContain('warning DEPRECATED_FEATURE_USED');
    const on310 = await cli('lint', file, '--broker-version', '3.10.8');
    expect(on310.code).toBe(0);
    expect(on310.out).not.toContain('DEPRECATED_FEATURE');
  });

  it('transient queues stay with their own rule (a warning on 4.3, never refused by default)', async () => {
    const file = write('transient.yaml', ...head, '      q: { durable: false, bind: [{ exchange: jobs, routing_key: q }] }');
    const on43 = await cli('lint', file, '--broker-version', '4.3.6', '--format', 'json');
    expect(on43.code).toBe(0);
    const report = JSON.parse(on43.out) as { findings: { code: string; severity: string }[]; diagnostics: { code: string }[] };
    expect(report.findings.map((f) => [f.code, f.severity])).toEqual([['TRANSIENT_QUEUE_ON_4X', 'warning']]);
    // The spec's own warning of it is left to the rule, which ran.
    expect(report.diagnostics).toEqual([]);
    const without = JSON.parse((await cli('lint', file, '--format', 'json')).out) as { findings: unknown[]; diagnostics: { code: string }[] };
    expect(without.findings).toEqual([]);
    expect(without.diagnostics.map((d) => d.code)).toEqual(['TRANSIENT_QUEUE_DEPRECATED']);
  });

  it('refuses a broker version that is not one', async () => {
    const r = await cli('lint', write('any.yaml', ...head, '      q: { bind: [{ exchange: jobs, routing_key: q }] }'), '--broker-version', 'latest');
    expect(r.code).toBe(1);
    expect(r.err).toContain('error INVALID_BROKER_VERSION: broker version "latest" is not a version');
  });

  it('x-queue-version 1 and x-local-random by version', async () => {
    const file = write('v1.yaml', ...head, '      q: { arguments: { x-queue-version: 1 }, bind: [{ exchange: jobs, routing_key: q }] }', '    bindings: []');
    expect((await cli('lint', file, '--broker-version', '3.10.8')).code).toBe(0);
    const on43 = await cli('lint', file, '--broker-version', '4.3.6');
    expect(on43.code).toBe(1);
    expect(on43.out).toContain('error QUEUE_ARGUMENT_UNSUPPORTED');
    const lr = write('lr.yaml', 'version: 1', 'vhosts:', '  /:', '    exchanges: { spread: { type: x-local-random } }', '    queues:', '      q: { bind: [{ exchange: spread }] }');
    expect((await cli('lint', lr, '--broker-version', '4.3.6')).code).toBe(0);
    const on310 = await cli('lint', lr, '--broker-version', '3.10.8');
    expect(on310.code).toBe(1);
    expect(on310.out).toContain('lr.yaml:4:18: error EXCHANGE_TYPE_NOT_AVAILABLE');
  });

  it('4.3 quorum arguments: refused on classic queues by 4.3, unknown (kept, ignored) before; one report per argument', async () => {
    const file = write(
      'args43.yaml',
      ...head,
      '      c: { arguments: { x-consumer-timeout: 1000, x-delayed-retry-type: all }, bind: [{ exchange: jobs, routing_key: c }] }',
      '      qq: { type: quorum, arguments: { x-delayed-retry-type: failed, x-delayed-retry-min: 1000, x-delayed-retry-max: 5000, x-consumer-timeout: 60000 }, bind: [{ exchange: jobs, routing_key: qq }] }',
    );
    const offline = await cli('lint', file);
    expect(offline.code).toBe(0);
    expect(offline.out).not.toContain('UNKNOWN_ARGUMENT');
    expect(offline.out).toContain('args43.yaml:6:45: warning ARGUMENT_NOT_SUPPORTED: `x-consumer-timeout` is not supported by classic queues (only by quorum queues): RabbitMQ 4.3 and later refuse it');
    const on43 = await cli('lint', file, '--broker-version', '4.3.6');
    expect(on43.code).toBe(1);
    expect(on43.out).toContain('args43.yaml:6:45: error QUEUE_ARGUMENT_UNSUPPORTED: queue "c" in vhost "/" sets `x-consumer-timeout`, which RabbitMQ 4.3.6 refuses on classic queues');
    expect(on43.out).toContain('args43.yaml:6:73: error QUEUE_ARGUMENT_UNSUPPORTED: queue "c" in vhost "/" sets `x-delayed-retry-type`');
    expect(on43.out).not.toContain('ARGUMENT_NOT_SUPPORTED');
    expect(on43.out).toContain('2 findings: 2 errors, 0 warnings, 0 notes');
    const on40 = await cli('lint', file, '--broker-version', '4.0.5');
    expect(on40.code).toBe(0);
    expect(on40.out).toContain('args43.yaml:6:45: warning QUEUE_ARGUMENT_NOT_IN_VERSION: queue "c" in vhost "/" sets `x-consumer-timeout`, which RabbitMQ 4.0.5 does not know (it needs 4.3.0)');
    expect(on40.out).not.toContain('ARGUMENT_NOT_SUPPORTED');
    // Two on c, four on qq: each argument once.
    expect(on40.out).toContain('6 findings: 0 errors, 6 warnings, 0 notes');
  });

  it('4.3 quorum argument values are checked as the 4.3 policy keys are', async () => {
    const file = write('args43-bad.yaml', ...head, '      qq: { type: quorum, arguments: { x-delayed-retry-type: bogus, x-delayed-retry-min: 0, x-consumer-timeout: "60" }, bind: [{ exchange: jobs, routing_key: qq }] }');
    const r = await cli('lint', file);
    expect(r.code).toBe(1);
    expect(r.err).toContain('INVALID_ARGUMENT_VALUE: `x-delayed-retry-type` must be one of disabled, all, failed, returned');
    expect(r.err).toContain('INVALID_ARGUMENT_VALUE: `x-delayed-retry-min` must be at least 1');
    expect(r.err).toContain('INVALID_ARGUMENT_TYPE: `x-consumer-timeout` must be an integer');
  });

  it('a topic binding key with three # words: refused by 4.3, a warning for older versions and offline', async () => {
    const file = write('hash.yaml', 'version: 1', 'vhosts:', '  /:', '    exchanges: { t: { type: topic } }', '    queues:', '      q: { bind: [{ exchange: t, routing_key: "#.a.#.#" }, { exchange: t, routing_key: "#.#" }, { exchange: amq.topic, routing_key: "#.#.#" }] }');
    const offline = await cli('lint', file);
    expect(offline.code).toBe(0);
    expect(offline.out).toContain('hash.yaml:6:47: warning TOPIC_KEY_TOO_MANY_HASHES: topic binding key "#.a.#.#" has 3 `#` words; RabbitMQ 4.3 and later refuse more than 2');
    expect(offline.out).not.toContain('"#.#" has');
    const on43 = await cli('lint', file, '--broker-version', '4.3.6');
    expect(on43.code).toBe(1);
    expect(on43.out).toContain('hash.yaml:6:47: error TOPIC_KEY_TOO_MANY_HASHES: binding "t -> q [#.a.#.#]" in vhost "/"');
    expect(on43.out).toContain('error TOPIC_KEY_TOO_MANY_HASHES: binding "amq.topic -> q [#.#.#]"');
    expect(on43.out).not.toContain('warning TOPIC_KEY_TOO_MANY_HASHES');
    const on40 = await cli('lint', file, '--broker-version', '4.0.5');
    expect(on40.code).toBe(0);
    expect(on40.out).toContain('warning TOPIC_KEY_TOO_MANY_HASHES');
  });
});
