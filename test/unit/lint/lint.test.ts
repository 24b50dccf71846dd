import { describe, expect, it } from 'vitest';
import { LINT_RULES, lintSpec, parseLintConfig, renderLintSarif, renderLintText } from '../../../src/lint/index.js';
import type { Desired } from '../../../src/model/types.js';
import { parseSpecText } from '../../../src/spec/index.js';
import { parseSource } from '../../../src/spec/yaml-source.js';

function load(text: string): Desired {
  const { desired, diagnostics } = parseSpecText(text, 'spec.yaml');
  if (!desired) throw new Error(diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`).join('\n'));
  return desired;
}

function codes(text: string, brokerVersion?: string): string[] {
  return lintSpec(load(text), brokerVersion ? { brokerVersion } : {}).report.findings.map((f) => f.code);
}

const base = (vhost: string): string => `version: 1\nvhosts:\n  /:\n${vhost}`;

describe('lint rules', () => {
  it('a clean topology has no findings', () => {
    expect(codes(base('    exchanges: { tasks: { type: direct } }\n    queues:\n      hipri: { bind: [{ exchange: tasks, routing_key: hipri }] }\n'))).toEqual([]);
  });

  it('UNREACHABLE_QUEUE: no binding, or bound only from an internal exchange nothing routes to', () => {
    const text = base(
      [
        '    exchanges:',
        '      hidden: { type: fanout, internal: true }',
        '      audit: { type: fanout, internal: true }',
        '      front: { type: topic }',
        '    queues:',
        '      lonely: {}',
        '      behind-hidden: { bind: [{ exchange: hidden }] }',
        '      audit.log: { bind: [{ exchange: audit }] }',
        '      all: { bind: [{ exchange: front, routing_key: "#" }] }',
        '    bindings:',
        '      - { source: front, destination: audit, destination_type: exchange, routing_key: "#" }',
        '',
      ].join('\n'),
    );
    const { report } = lintSpec(load(text));
    const unreachable = report.findings.filter((f) => f.code === 'UNREACHABLE_QUEUE');
    expect(unreachable.map((f) => f.message)).toEqual([
      expect.stringMatching(/^queue "lonely" .*no binding leads to it/),
      expect.stringMatching(/^queue "behind-hidden" .*bound only from exchange "hidden"/),
    ]);
    expect(unreachable[0]).toMatchObject({ file: 'spec.yaml', line: 9, column: 7, severity: 'warning' });
    // hidden has a binding but nothing publishes into it; not this rule's business
    expect(report.findings.map((f) => f.code)).not.toContain('EXCHANGE_WITHOUT_BINDINGS');
  });

  it('UNREACHABLE_QUEUE follows alternate and dead-letter exchanges', () => {
    const text = base(
      [
        '    exchanges:',
        '      main: { type: direct, arguments: { alternate-exchange: ae } }',
        '      ae: { type: fanout, internal: true }',
        '      dlx: { type: fanout, internal: true }',
        '    queues:',
        '      work: { arguments: { x-dead-letter-exchange: dlx }, bind: [{ exchange: main, routing_key: w }] }',
        '      unrouted: { bind: [{ exchange: ae }] }',
        '      dead: { bind: [{ exchange: dlx }] }',
        '',
      ].join('\n'),
    );
    expect(codes(text)).toEqual([]);
  });

  it('UNREACHABLE_QUEUE follows dead-lettering through the default exchange, as warren graph draws it', () => {
    const unreachable = (text: string): string[] =>
      lintSpec(load(text))
        .report.findings.filter((f) => f.code === 'UNREACHABLE_QUEUE')
        .map((f) => f.message.replace(/^queue "([^"]*)".*$/, '$1'));
    const spec = (q1: string, extra = ''): string =>
      base(['    exchanges: { main: { type: direct } }', '    queues:', `      q1: { ${q1} }`, '      q2: {}', '      q3: {}', extra, ''].join('\n'));
    const bound = 'bind: [{ exchange: main, routing_key: q1 }]';
    // argument: "" is the default exchange, which delivers to the queue the dead-letter key names
    expect(unreachable(spec(`arguments: { x-dead-letter-exchange: "", x-dead-letter-routing-key: q2 }, ${bound}`))).toEqual(['q3']);
    // a policy sets both keys, or one each (the broker resolves each key on its own)
    const policy = (definition: string): string => `    policies: { dl: { pattern: "^q1$", apply-to: queues, definition: { ${definition} } } }`;
    expect(unreachable(spec(bound, policy('dead-letter-exchange: "", dead-letter-routing-key: q2')))).toEqual(['q3']);
    expect(unreachable(spec(`arguments: { x-dead-letter-exchange: "" }, ${bound}`, policy('dead-letter-routing-key: q2')))).toEqual(['q3']);
    // without a dead-letter key the message's own keys pick the queue: lint cannot know which
    expect(unreachable(spec(`arguments: { x-dead-letter-exchange: "" }, ${bound}`))).toEqual(['q2', 'q3']);
    // only a queue that gets messages dead-letters any
    expect(unreachable(spec('arguments: { x-dead-letter-exchange: "", x-dead-letter-routing-key: q2 }'))).toEqual(['q1', 'q2', 'q3']);
    // a named dead-letter exchange from a policy
    const withDlx = base(
      ['    exchanges: { main: { type: direct }, dlx: { type: fanout, internal: true } }', '    queues:', `      q1: { ${bound} }`, '      q2: { bind: [{ exchange: dlx }] }', policy('dead-letter-exchange: dlx'), ''].join('\n'),
    );
    expect(unreachable(withDlx)).toEqual([]);
  });

  it('EXCHANGE_WITHOUT_BINDINGS, unless it has an alternate exchange', () => {
    const text = base('    exchanges:\n      void: { type: topic }\n      safe: { type: topic, arguments: { alternate-exchange: void } }\n');
    const { report } = lintSpec(load(text));
    expect(report.findings.map((f) => [f.code, f.line, f.column])).toEqual([['EXCHANGE_WITHOUT_BINDINGS', 5, 7]]);
  });

  it('UNDECLARED_DEAD_LETTER_EXCHANGE and UNDECLARED_ALTERNATE_EXCHANGE are errors', () => {
    const text = base(
      [
        '    exchanges:',
        '      main: { type: direct, arguments: { alternate-exchange: missing-ae } }',
        '    queues:',
        '      q: { arguments: { x-dead-letter-exchange: missing-dlx }, bind: [{ exchange: main, routing_key: q }] }',
        '      ok: { arguments: { x-dead-letter-exchange: "" }, bind: [{ exchange: main, routing_key: ok }] }',
        '      ok2: { arguments: { x-dead-letter-exchange: amq.fanout }, bind: [{ exchange: main, routing_key: ok2 }] }',
        '',
      ].join('\n'),
    );
    const { report } = lintSpec(load(text));
    const errors = report.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => [f.code, f.path])).toEqual([
      ['UNDECLARED_ALTERNATE_EXCHANGE', '/vhosts/~1/exchanges/main/arguments/alternate-exchange'],
      ['UNDECLARED_DEAD_LETTER_EXCHANGE', '/vhosts/~1/queues/q/arguments/x-dead-letter-exchange'],
    ]);
    expect(report.summary.error).toBe(2);
  });

  it('TOPIC_WILDCARD_INSIDE_WORD, with a fix', () => {
    const text = base(
      [
        '    exchanges: { t: { type: topic } }',
        '    queues:',
        '      q:',
        '        bind:',
        '          - { exchange: t, routing_key: "a.b*" }',
        '          - { exchange: t, routing_key: "#x.c" }',
        '          - { exchange: t, routing_key: "a.*.#" }',
        '',
      ].join('\n'),
    );
    const findings = lintSpec(load(text)).report.findings.filter((f) => f.code === 'TOPIC_WILDCARD_INSIDE_WORD');
    expect(findings.map((f) => [f.line, f.hint])).toEqual([
      [8, expect.stringContaining('"a.b.*"')],
      [9, expect.stringContaining('"#.x.c"')],
    ]);
    expect(findings[0]?.path).toBe('/vhosts/~1/queues/q/bind/0/routing_key');
  });

  it('WILDCARD_ON_DIRECT_EXCHANGE and FANOUT_BINDING_KEY_IGNORED', () => {
    const text = base(
      '    exchanges: { d: { type: direct }, f: { type: fanout } }\n    queues:\n      q: { bind: [{ exchange: d, routing_key: "a.*" }, { exchange: f, routing_key: key }] }\n',
    );
    const { report } = lintSpec(load(text));
    expect(report.findings.map((f) => [f.code, f.severity])).toEqual([
      ['WILDCARD_ON_DIRECT_EXCHANGE', 'warning'],
      ['FANOUT_BINDING_KEY_IGNORED', 'note'],
    ]);
  });

  it('QUEUE_ARGUMENT_BELONGS_IN_POLICY names the policy to write', () => {
    const text = base('    exchanges: { d: { type: direct } }\n    queues:\n      q: { arguments: { x-max-length: 10, x-overflow: reject-publish, x-queue-mode: lazy }, bind: [{ exchange: d, routing_key: q }] }\n');
    const [f] = lintSpec(load(text)).report.findings;
    expect(f?.code).toBe('QUEUE_ARGUMENT_BELONGS_IN_POLICY');
    expect(f?.message).toContain('x-max-length, x-overflow');
    expect(f?.hint).toContain('{"max-length":10,"overflow":"reject-publish"}');
  });

  it('FANOUT_COMPETING_CONSUMERS uses `consumers:` of queues', () => {
    const spec = (consumers: string): string =>
      base(`    exchanges: { tasks_fanout: { type: fanout } }\n    queues:\n      piap: { consumers: ${consumers}, bind: [{ exchange: tasks_fanout }] }\n`);
    expect(codes(spec('[worker]'))).toEqual([]);
    const [f] = lintSpec(load(spec('[billing, shipping]'))).report.findings;
    expect(f).toMatchObject({ code: 'FANOUT_COMPETING_CONSUMERS', line: 6, path: '/vhosts/~1/queues/piap/consumers' });
    expect(f?.message).toContain('single queue "piap"');
    expect(f?.hint).toContain('"piap.billing", "piap.shipping"');
  });

  it('4.x rules run only with a broker version of 4.0 or later', () => {
    const text = base('    exchanges: { d: { type: direct } }\n    queues:\n      q: { durable: false, arguments: { x-ha-policy: all }, bind: [{ exchange: d, routing_key: q }] }\n');
    expect(codes(text)).toEqual([]);
    expect(codes(text, '3.13.7')).toEqual([]);
    expect(codes(text, '4.0.5').sort()).toEqual(['CLASSIC_MIRRORING_ON_4X', 'TRANSIENT_QUEUE_ON_4X']);
    const { report } = lintSpec(load(text));
    expect(report.rules.find((r) => r.code === 'TRANSIENT_QUEUE_ON_4X')?.skipped).toMatch(/--broker-version/);
  });

  it('a rule for 4.0+ runs on 4.0.3 and v4.1, not on 3.13.7 (the version comparison of model/versions)', () => {
    const text = base('    exchanges: { d: { type: direct } }\n    queues:\n      q: { durable: false, bind: [{ exchange: d, routing_key: q }] }\n');
    expect(codes(text, '4.0.3')).toContain('TRANSIENT_QUEUE_ON_4X');
    expect(codes(text, 'v4.1')).toContain('TRANSIENT_QUEUE_ON_4X');
    expect(codes(text, '3.13.7')).not.toContain('TRANSIENT_QUEUE_ON_4X');
  });
});

describe('lint configuration', () => {
  const lonely = (lint = ''): string => `version: 1\n${lint}vhosts:\n  /:\n    queues: { lonely: {} }\n`;

  it('the spec can turn a rule off or change its level', () => {
    expect(codes(lonely('lint: { rules: { UNREACHABLE_QUEUE: off } }\n'))).toEqual([]);
    const { report } = lintSpec(load(lonely('lint: { rules: { UNREACHABLE_QUEUE: error } }\n')));
    expect(report.findings.map((f) => f.severity)).toEqual(['error']);
  });

  it('a --config file overrides the spec', () => {
    const { config } = parseLintConfig({ lint: { rules: { UNREACHABLE_QUEUE: 'note' } } }, 'lint.yaml');
    const { report } = lintSpec(load(lonely('lint: { rules: { UNREACHABLE_QUEUE: error } }\n')), config ? { config } : {});
    expect(report.findings.map((f) => f.severity)).toEqual(['note']);
  });

  it('unknown codes and levels are errors with a suggestion', () => {
    const { diagnostics } = lintSpec(load(lonely('lint: { rules: { UNREACHABLE_QUEU: off } }\n')));
    expect(diagnostics).toMatchObject([{ code: 'LINT_UNKNOWN_RULE', line: 2, message: expect.stringContaining('did you mean UNREACHABLE_QUEUE?') }]);
    expect(parseLintConfig({ rules: { UNREACHABLE_QUEUE: 'loud' } }, 'c.yaml').diagnostics).toMatchObject([{ code: 'LINT_CONFIG_INVALID' }]);
  });

  it('problems of a --config file point at their entry in it', () => {
    const source = parseSource('# team defaults\nlint:\n  rules:\n    UNREACHABLE_QUEUE: loud\n    UNREACHABLE_QUEU: off\n', 'lint.yaml');
    const parsed = parseLintConfig(source.value, 'lint.yaml', (pointer) => source.locate(pointer, 'key'));
    expect(parsed.diagnostics).toMatchObject([{ code: 'LINT_CONFIG_INVALID', file: 'lint.yaml', line: 4, column: 5, path: '/lint/rules/UNREACHABLE_QUEUE' }]);
    const { diagnostics } = lintSpec(load(lonely('')), parsed.config ? { config: parsed.config } : {});
    expect(diagnostics).toMatchObject([{ code: 'LINT_UNKNOWN_RULE', file: 'lint.yaml', line: 5, column: 5 }]);
  });

  it('the spec schema refuses a bad level', () => {
    const { diagnostics } = parseSpecText(lonely('lint: { rules: { UNREACHABLE_QUEUE: loud } }\n'), 'spec.yaml');
    expect(diagnostics.map((d) => d.code)).toContain('SCHEMA_ENUM');
  });
});

describe('lint renderers', () => {
  const desired = load(
    'version: 1\nvhosts:\n  /:\n    exchanges: { x: { type: direct, arguments: { alternate-exchange: nope } } }\n    queues: { lonely: {} }\n',
  );
  const { report } = lintSpec(desired);

  it('text: file:line:column, severity, code, message, hint, summary', () => {
    const text = renderLintText(report);
    expect(text).toContain('spec.yaml:4:18: error UNDECLARED_ALTERNATE_EXCHANGE: alternate exchange "nope" of exchange "x"');
    expect(text).toContain('  hint: declare the exchange');
    expect(text).toContain('2 findings: 1 error, 1 warning, 0 notes');
  });

  it('SARIF 2.1.0 with rules, levels, locations and fingerprints', () => {
    const sarif = JSON.parse(renderLintSarif(report, { toolVersion: '0.1.0' })) as {
      version: string;
      runs: { tool: { driver: { name: string; rules: { id: string; defaultConfiguration: { level: string } }[] } }; results: Record<string, unknown>[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run?.tool.driver.rules.map((r) => r.id)).toEqual(LINT_RULES.map((r) => r.code));
    expect(run?.results).toHaveLength(2);
    const first = run?.results[0] as { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number; startColumn: number } } }[]; partialFingerprints: Record<string, string> };
    expect(first.ruleId).toBe('UNDECLARED_ALTERNATE_EXCHANGE');
    expect(run?.tool.driver.rules[first.ruleIndex]?.id).toBe(first.ruleId);
    expect(first.level).toBe('error');
    expect(first.locations[0]?.physicalLocation).toEqual({ artifactLocation: { uri: 'spec.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 4, startColumn: 18 } });
    expect(Object.values(first.partialFingerprints)[0]).toMatch(/^[0-9a-f]{16}$/);
  });
});
