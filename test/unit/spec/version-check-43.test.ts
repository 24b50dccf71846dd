import { describe, expect, it } from 'vitest';
import type { Change } from '../../../src/model/change.js';
import { diagnostic } from '../../../src/model/diagnostics.js';
import { resourceKey } from '../../../src/model/keys.js';
import { UNSUPPORTED_POLICY_KEYS } from '../../../src/model/policy-keys.js';
import type { Desired, Resource } from '../../../src/model/types.js';
import { checkSavedPlanAgainstBroker } from '../../../src/spec/broker-check.js';
import { parseSpecText } from '../../../src/spec/index.js';
import { supersede } from '../../../src/spec/supersede.js';
import { hashWords } from '../../../src/spec/topic-keys.js';
import { checkVersionSupport } from '../../../src/spec/version-check.js';
import { yaml } from './helpers.js';

function loaded(text: string): { desired: Desired; codes: string[] } {
  const { desired, diagnostics } = parseSpecText(text, 't.yaml');
  if (!desired) throw new Error(`spec should load: ${JSON.stringify(diagnostics)}`);
  return { desired, codes: diagnostics.map((d) => `${d.severity} ${d.code}`) };
}

const spec = loaded(
  yaml(
    'version: 1',
    'vhosts:',
    '  v:',
    '    exchanges: { t: { type: topic }, d: { type: direct } }',
    '    queues:',
    '      c: { arguments: { x-consumer-timeout: 1000 } }',
    '      s: { type: stream, arguments: { x-delayed-retry-min: 10 } }',
    '      qq: { type: quorum, arguments: { x-delayed-retry-type: returned, x-delayed-retry-max: 10 } }',
    '    bindings:',
    '      - { source: t, destination: c, routing_key: "#.x.#.#" }',
    '      - { source: d, destination: c, routing_key: "#.#.#" }',
    '      - { source: amq.topic, destination: c, routing_key: "a#.#.#" }',
  ),
);

describe('the 4.3 quorum-queue arguments, per version and queue type', () => {
  it('loading the spec: known arguments; on other queue types a warning (the version decides)', () => {
    expect(spec.codes).not.toContain('warning UNKNOWN_ARGUMENT');
    expect(spec.codes.filter((c) => c === 'warning ARGUMENT_NOT_SUPPORTED')).toHaveLength(2);
    // A topic key with three # words warns; a direct exchange's key is literal; `a#` is no wildcard.
    expect(spec.codes.filter((c) => c === 'warning TOPIC_KEY_TOO_MANY_HASHES')).toHaveLength(1);
  });

  it('4.3 refuses them on classic queues and streams; 4.0 and 3.10 keep them everywhere (warnings)', () => {
    const on43 = checkVersionSupport(spec.desired, { version: '4.3.6' });
    expect(on43.filter((d) => d.code === 'QUEUE_ARGUMENT_UNSUPPORTED').map((d) => [d.severity, d.path])).toEqual([
      ['error', '/vhosts/v/queues/c/arguments/x-consumer-timeout'],
      ['error', '/vhosts/v/queues/s/arguments/x-delayed-retry-min'],
    ]);
    expect(on43.filter((d) => d.code === 'TOPIC_KEY_TOO_MANY_HASHES').map((d) => d.severity)).toEqual(['error']);
    for (const version of ['4.0.5', '3.10.8']) {
      const older = checkVersionSupport(spec.desired, { version });
      expect(older.filter((d) => d.severity === 'error')).toEqual([]);
      expect(older.filter((d) => d.code === 'QUEUE_ARGUMENT_NOT_IN_VERSION')).toHaveLength(4);
    }
  });

  it('a queue live as declared is not declared again: a warning', () => {
    const c = [...spec.desired.resources.values()].find((r) => r.kind === 'queue' && r.name === 'c');
    const out = checkVersionSupport(spec.desired, { version: '4.3.6' }, { written: (r) => r !== c });
    expect(out.find((d) => d.path === '/vhosts/v/queues/c/arguments/x-consumer-timeout')?.severity).toBe('warning');
  });

  it('hashWords counts # words only', () => {
    expect([hashWords('#.#.#'), hashWords('a#.#'), hashWords('#'), hashWords('a.b')]).toEqual([3, 1, 1, 0]);
  });

  it('the per-queue-type table of unsupported policy keys leaves the 4.3 keys out: the policy still applies (measured on 4.3.6)', () => {
    for (const type of ['classic', 'quorum', 'stream'] as const) {
      for (const key of ['delayed-retry-type', 'delayed-retry-min', 'delayed-retry-max', 'consumer-timeout']) expect(UNSUPPORTED_POLICY_KEYS[type]).not.toContain(key);
    }
  });

  it('policy values of the 4.3 keys are checked as 4.3 does', () => {
    const bad = parseSpecText(yaml('version: 1', 'vhosts:', '  v:', '    policies:', '      p: { pattern: "^x", definition: { delayed-retry-type: bogus, delayed-retry-min: 0, consumer-timeout: -1 } }'), 't.yaml');
    expect(bad.diagnostics.filter((d) => d.code === 'INVALID_POLICY_VALUE')).toHaveLength(3);
  });
});

describe('supersede: one report per problem', () => {
  const at = (line: number, column: number, path: string) => ({ file: 't.yaml', line, column, path });
  it('drops the spec warning the broker check reports again for the same field, and takes its place in the file', () => {
    const specWarning = diagnostic('TRANSIENT_QUEUE_DEPRECATED', 'spec', at(5, 22, '/vhosts/v/queues/t/durable'), 'warning');
    const other = diagnostic('TRANSIENT_QUEUE_DEPRECATED', 'other', at(6, 22, '/vhosts/v/queues/u/durable'), 'warning');
    const unrelated = diagnostic('POLICY_KEY_UNKNOWN', 'spec', at(5, 22, '/vhosts/v/queues/t/durable'), 'warning');
    const informed = diagnostic('DEPRECATED_FEATURE_USED', 'broker', at(5, 7, '/vhosts/v/queues/t/durable'), 'warning');
    const once = supersede([specWarning, other, unrelated], [informed]);
    expect(once.spec).toEqual([other, unrelated]);
    expect(once.informed).toEqual([{ ...informed, line: 5, column: 22 }]);
  });
});

describe('checkSavedPlanAgainstBroker', () => {
  it('checks what the plan writes, with the live source exchange of a binding for its type', () => {
    const resources = [...spec.desired.resources.values()];
    const binding = resources.find((r) => r.kind === 'binding' && r.source === 't') as Resource;
    const exchange = resources.find((r) => r.kind === 'exchange' && r.name === 't') as Resource;
    const create = (r: Resource): Change => ({ action: 'create', kind: r.kind, vhost: 'v', name: r.name, key: resourceKey(r), after: r, fields: [], reasons: [] });
    const live = new Map([[resourceKey(exchange), exchange]]);
    const broker = { version: '4.3.6', exchangeTypes: ['topic'], deprecatedFeatures: { queue_master_locator: 'denied' as const } };
    expect(checkSavedPlanAgainstBroker([create(binding)], live, broker).map((d) => [d.severity, d.code])).toEqual([['error', 'TOPIC_KEY_TOO_MANY_HASHES']]);
    expect(checkSavedPlanAgainstBroker([create(binding)], live, { ...broker, version: '4.0.5' })).toEqual([]);
    // Not written by the plan: nothing to refuse.
    expect(checkSavedPlanAgainstBroker([], live, broker)).toEqual([]);
  });
});
