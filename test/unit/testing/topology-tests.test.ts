import { describe, expect, it } from 'vitest';
import type { Desired } from '../../../src/model/types.js';
import { parseSpecText } from '../../../src/spec/index.js';
import { agreementFailures, renderTestJson, renderTestJunit, renderTestText, runTopologyTests } from '../../../src/testing/index.js';

function load(text: string): Desired {
  const { desired, diagnostics } = parseSpecText(text, 'spec.yaml');
  if (!desired) throw new Error(diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`).join('\n'));
  return desired;
}

const topology = [
  'version: 1',
  'vhosts:',
  '  /:',
  '    exchanges:',
  '      tasks: { type: direct }',
  '      fan: { type: fanout }',
  '      secret: { type: fanout, internal: true }',
  '      h: { type: headers }',
  '    queues:',
  '      hipri: { bind: [{ exchange: tasks, routing_key: hipri }, { exchange: fan }] }',
  '      lopri: { bind: [{ exchange: tasks, routing_key: lopri }, { exchange: fan }] }',
  '      pdf: { bind: [{ exchange: h, arguments: { format: pdf, size: 5 } }] }',
  '',
].join('\n');

describe('tests: in the spec', () => {
  it('are loaded with defaults and source locations', () => {
    const desired = load(`${topology}tests:\n  - { exchange: tasks, routing_key: hipri, expect: [hipri] }\n  - name: nothing\n    exchange: tasks\n    expect_unroutable: true\n`);
    expect(desired.tests).toEqual([
      { name: 'tasks [hipri]', vhost: '/', exchange: 'tasks', routing_key: 'hipri', expect: ['hipri'], expect_unroutable: false, source: { file: 'spec.yaml', line: 14, column: 5, path: '/tests/0' } },
      { name: 'nothing', vhost: '/', exchange: 'tasks', routing_key: '', expect: [], expect_unroutable: true, source: { file: 'spec.yaml', line: 15, column: 5, path: '/tests/1' } },
    ]);
  });

  it('name undeclared exchanges and queues, contradictions and missing expectations', () => {
    const { diagnostics } = parseSpecText(
      `${topology}tests:\n  - { exchange: taks, expect: [hipr] }\n  - { exchange: tasks, expect: [hipri], expect_unroutable: true }\n  - { exchange: tasks }\n`,
      'spec.yaml',
    );
    expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['TEST_EXCHANGE_UNDECLARED', 14, 17],
      ['TEST_QUEUE_UNDECLARED', 14, 32],
      ['TEST_CONTRADICTION', 15, 60],
      ['TEST_NO_EXPECTATION', 16, 5],
      ['TEST_DUPLICATE_NAME', 16, 5],
    ]);
    expect(diagnostics[0]?.message).toContain('did you mean "tasks"?');
  });

  it('require a vhost when the spec has several', () => {
    const { diagnostics } = parseSpecText('version: 1\nvhosts: { a: {}, b: {} }\ntests:\n  - { exchange: "", expect: [] }\n', 'spec.yaml');
    expect(diagnostics.map((d) => d.code)).toEqual(['TEST_VHOST_REQUIRED']);
  });
});

describe('runTopologyTests (offline)', () => {
  const desired = load(
    `${topology}tests:\n` +
      [
        '  - { name: exact, exchange: tasks, routing_key: hipri, expect: [hipri] }',
        '  - { name: fanout ignores the key, exchange: fan, routing_key: whatever, expect: [hipri, lopri] }',
        '  - { name: wrong, exchange: tasks, routing_key: midpri, expect: [hipri] }',
        '  - { name: typed headers, exchange: h, headers: { format: pdf, size: 5 }, expect: [pdf] }',
        '  - { name: "5 is not \\"5\\"", exchange: h, headers: { format: pdf, size: "5" }, expect_unroutable: true }',
        '  - { name: internal, exchange: secret, expect: [] }',
        '',
      ].join('\n'),
  );
  const report = runTopologyTests(desired);

  it('passes and fails cases with the difference', () => {
    expect(report.summary).toEqual({ total: 6, passed: 4, failed: 2 });
    expect(report.cases.map((c) => [c.case.name, c.status])).toEqual([
      ['exact', 'passed'],
      ['fanout ignores the key', 'passed'],
      ['wrong', 'failed'],
      ['typed headers', 'passed'],
      ['5 is not "5"', 'passed'],
      ['internal', 'failed'],
    ]);
    expect(report.cases[2]?.failures).toEqual([expect.stringMatching(/^expected \[hipri\], the simulator routes to no queue: missing hipri \(exchange `tasks` \(direct\) has no binding with key `midpri`/)]);
    expect(report.cases[5]?.failures).toEqual([expect.stringMatching(/^the publish fails: exchange `secret` is internal/)]);
  });

  it('renders text like a test runner', () => {
    const text = renderTestText(report);
    expect(text).toContain('spec.yaml\n  ✓ exact  (tasks [hipri] → hipri)\n');
    expect(text).toContain('  ✗ wrong  (tasks [midpri] → unroutable)\n      expected [hipri]');
    expect(text).toContain('      at spec.yaml:16:5\n');
    expect(text).toMatch(/6 tests: 4 passed, 2 failed \(offline, routing as the newest RabbitMQ\)\n$/);
  });

  it('renders JUnit XML with one testcase per test and escaped failures', () => {
    const xml = renderTestJunit(report);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="warren test" tests="6" failures="2"/);
    expect(xml).toContain('<testsuite name="spec.yaml" tests="6" failures="2"');
    expect(xml).toContain('<testcase name="5 is not &quot;5&quot;" classname="warren.offline.spec.yaml" file="spec.yaml" line="18"');
    expect(xml.match(/<failure /g)).toHaveLength(2);
    expect(xml).not.toMatch(/[<>]`/);
  });

  it('renders the JSON contract', () => {
    const json = JSON.parse(renderTestJson(report)) as { format_version: number; mode: string; cases: Record<string, unknown>[] };
    expect(json.format_version).toBe(1);
    expect(json.mode).toBe('offline');
    expect(json.cases[0]).toMatchObject({ name: 'exact', file: 'spec.yaml', line: 14, status: 'passed', simulated: { queues: ['hipri'], unroutable: false } });
  });

  it('route by the CC and BCC headers of a case, and fail a case whose CC is not an array', () => {
    const cc = runTopologyTests(
      load(
        `${topology}tests:\n` +
          [
            '  - { name: cc, exchange: tasks, routing_key: hipri, headers: { CC: [lopri] }, expect: [hipri, lopri] }',
            '  - { name: bcc, exchange: tasks, routing_key: none, headers: { BCC: [lopri, lopri] }, expect: [lopri] }',
            '  - { name: bad cc, exchange: tasks, routing_key: hipri, headers: { CC: lopri }, expect: [hipri] }',
            '',
          ].join('\n'),
      ),
    );
    expect(cc.cases.map((c) => [c.case.name, c.status, c.simulated.queues])).toEqual([
      ['cc', 'passed', ['hipri', 'lopri']],
      ['bcc', 'passed', ['lopri']],
      ['bad cc', 'failed', []],
    ]);
    expect(cc.cases[2]?.failures).toEqual([expect.stringMatching(/^the publish fails: header `CC` is the string "lopri", but RabbitMQ takes CC only as an array of routing keys/)]);
  });

  it('with live outcomes, any disagreement with the broker fails the case', () => {
    const live = report.cases.map((c) => ({ queues: c.simulated.queues, returned: c.simulated.unroutable }));
    live[0] = { queues: ['hipri', 'lopri'], returned: false };
    const withLive = runTopologyTests(desired, { live, brokerVersion: '3.10.8' });
    expect(withLive.mode).toBe('live');
    expect(withLive.cases[0]?.failures).toEqual(['the broker disagrees with the simulator: the broker delivered to [hipri, lopri], the simulator routes to [hipri]: unexpected lopri']);
    expect(agreementFailures({ queues: [], unroutable: true, reasons: [] }, { queues: [], returned: false })).toEqual([
      'the simulator says the message is unroutable, but the broker did not return the mandatory message',
    ]);
  });
});
