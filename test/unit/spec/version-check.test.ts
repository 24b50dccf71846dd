import { describe, expect, it } from 'vitest';
import { defaultDeprecatedFeatures } from '../../../src/model/deprecated-features.js';
import { POLICY_KEYS, policyKeyIn } from '../../../src/model/policy-keys.js';
import type { Desired } from '../../../src/model/types.js';
import { NEWEST_KNOWN_VERSION } from '../../../src/model/versions.js';
import { checkAgainstBroker, parseSpecText } from '../../../src/spec/index.js';
import { checkDeprecatedFeatures, checkShovelAddresses, checkVersionSupport, featureUses } from '../../../src/spec/version-check.js';
import { where, yaml } from './helpers.js';

function load(text: string): Desired {
  const { desired, diagnostics } = parseSpecText(text, 't.yaml');
  if (!desired) throw new Error(`spec should load: ${JSON.stringify(diagnostics)}`);
  return desired;
}

const deprecated = load(
  yaml(
    'version: 1',
    'vhosts:',
    '  v:',
    '    queues:',
    '      t: { durable: false }',
    '      m: { arguments: { x-queue-master-locator: client-local } }',
    '    policies:',
    '      ha: { pattern: "^ha", definition: { ha-mode: all } }',
    '      qml: { pattern: "^m", definition: { queue-master-locator: min-masters } }',
  ),
);

describe('the offline table of deprecated features', () => {
  it('describes each version’s defaults: 4.3 permits transient queues and denies queue_master_locator', () => {
    expect(defaultDeprecatedFeatures('3.10.8')).toEqual({});
    expect(defaultDeprecatedFeatures('4.0.5')).toMatchObject({ transient_nonexcl_queues: 'permitted', queue_master_locator: 'permitted', classic_queue_mirroring: 'removed' });
    expect(defaultDeprecatedFeatures('4.3.6')).toMatchObject({ transient_nonexcl_queues: 'permitted', queue_master_locator: 'denied', classic_queue_mirroring: 'removed' });
    expect(NEWEST_KNOWN_VERSION).toBe('4.3.6');
  });
});

describe('checkDeprecatedFeatures', () => {
  it('finds the features a spec can use, at their field', () => {
    expect(featureUses(deprecated).map((u) => [u.feature, u.resource.name, u.field.join('/')])).toEqual([
      ['transient_nonexcl_queues', 't', 'durable'],
      ['queue_master_locator', 'm', 'arguments/x-queue-master-locator'],
      ['classic_queue_mirroring', 'ha', 'definition/ha-mode'],
      ['queue_master_locator', 'qml', 'definition/queue-master-locator'],
    ]);
  });

  it('on 4.3.6 as reported live: denied is an error naming the feature and the key that permits it, permitted a warning', () => {
    const live = { version: '4.3.6', deprecatedFeatures: { transient_nonexcl_queues: 'permitted', queue_master_locator: 'denied', classic_queue_mirroring: 'removed' } } as const;
    const found = checkDeprecatedFeatures(deprecated, live);
    expect(found.map(where)).toEqual([
      { code: 'DEPRECATED_FEATURE_USED', severity: 'warning', file: 't.yaml', line: 5, column: 7, path: '/vhosts/v/queues/t/durable' },
      { code: 'DEPRECATED_FEATURE_DENIED', severity: 'error', file: 't.yaml', line: 6, column: 7, path: '/vhosts/v/queues/m/arguments/x-queue-master-locator' },
      { code: 'DEPRECATED_FEATURE_REMOVED', severity: 'error', file: 't.yaml', line: 8, column: 7, path: '/vhosts/v/policies/ha/definition/ha-mode' },
      { code: 'DEPRECATED_FEATURE_DENIED', severity: 'error', file: 't.yaml', line: 9, column: 7, path: '/vhosts/v/policies/qml/definition/queue-master-locator' },
    ]);
    expect(found[1]?.message).toBe(
      'queue "m" in vhost "v" uses the deprecated feature `queue_master_locator` (argument `x-queue-master-locator`), which RabbitMQ 4.3.6 refuses as it is configured; remove it from the spec, or permit it on every node with `deprecated_features.permit.queue_master_locator = true`',
    );
    expect(found[0]?.message).toContain('`transient_nonexcl_queues`');
    expect(found[0]?.message).toContain('deprecated_features.permit.transient_nonexcl_queues');
  });

  it('follows the broker’s configuration over the defaults: a permitted queue_master_locator is only a warning', () => {
    const found = checkDeprecatedFeatures(deprecated, { version: '4.3.6', deprecatedFeatures: { queue_master_locator: 'permitted', transient_nonexcl_queues: 'denied' } });
    expect(found.map((d) => [d.code, d.path])).toEqual([
      ['DEPRECATED_FEATURE_DENIED', '/vhosts/v/queues/t/durable'],
      ['DEPRECATED_FEATURE_USED', '/vhosts/v/queues/m/arguments/x-queue-master-locator'],
      // Not in the live list: the version's default answers.
      ['DEPRECATED_FEATURE_REMOVED', '/vhosts/v/policies/ha/definition/ha-mode'],
      ['DEPRECATED_FEATURE_USED', '/vhosts/v/policies/qml/definition/queue-master-locator'],
    ]);
  });

  it('falls back to the version table when the broker has no list (3.x) and says "by default"', () => {
    expect(checkDeprecatedFeatures(deprecated, { version: '3.10.8' })).toEqual([]);
    const on40 = checkDeprecatedFeatures(deprecated, { version: '4.0.5' });
    expect(on40.map((d) => [d.code, d.severity])).toEqual([
      ['DEPRECATED_FEATURE_USED', 'warning'],
      ['DEPRECATED_FEATURE_USED', 'warning'],
      ['DEPRECATED_FEATURE_REMOVED', 'error'],
      ['DEPRECATED_FEATURE_USED', 'warning'],
    ]);
    expect(checkDeprecatedFeatures(deprecated, { version: '4.3.6' }).filter((d) => d.severity === 'error')[0]?.message).toContain('refuses by default');
  });

  it('a resource the plan does not send (live as declared) gets a warning, not an error: nothing would be refused', () => {
    const live = { version: '4.3.6', deprecatedFeatures: { queue_master_locator: 'denied' } } as const;
    const found = checkDeprecatedFeatures(deprecated, live, { written: (r) => r.name !== 'm' });
    const m = found.find((d) => d.path === '/vhosts/v/queues/m/arguments/x-queue-master-locator');
    expect([m?.code, m?.severity]).toEqual(['DEPRECATED_FEATURE_DENIED', 'warning']);
    expect(m?.message).toContain('a replace or re-create would be refused');
    // The policy the plan does send stays an error.
    expect(found.find((d) => d.path === '/vhosts/v/policies/qml/definition/queue-master-locator')?.severity).toBe('error');
    // Through checkAgainstBroker, as plan calls it.
    const viaPlan = checkAgainstBroker(deprecated, { ...live, exchangeTypes: [] }, { written: () => false });
    expect(viaPlan.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('skips the features it is told are reported elsewhere', () => {
    expect(checkDeprecatedFeatures(deprecated, { version: '4.3.6' }, { skip: new Set(['transient_nonexcl_queues', 'classic_queue_mirroring']) }).map((d) => d.path)).toEqual([
      '/vhosts/v/queues/m/arguments/x-queue-master-locator',
      '/vhosts/v/policies/qml/definition/queue-master-locator',
    ]);
  });
});

describe('checkVersionSupport', () => {
  const spec = load(
    yaml(
      'version: 1',
      'vhosts:',
      '  v:',
      '    exchanges:',
      '      lr: { type: x-local-random }',
      '    queues:',
      '      v1: { arguments: { x-queue-version: 1 } }',
      '      v2: { arguments: { x-queue-version: 2 } }',
      '      qq: { type: quorum }',
      '    policies:',
      '      retry: { pattern: "^qq", apply-to: quorum_queues, definition: { delayed-retry-type: failed, delayed-retry-min: 1000, delayed-retry-max: 60000 } }',
      '      timeout: { pattern: "^qq", definition: { consumer-timeout: 60000 } }',
    ),
  );

  it('knows the 4.3 policy keys, the 4.3 queue version and the 4.x exchange type', () => {
    expect(checkVersionSupport(spec, { version: '4.3.6' }, { exchangeTypes: true }).map(where)).toEqual([
      { code: 'QUEUE_ARGUMENT_UNSUPPORTED', severity: 'error', file: 't.yaml', line: 7, column: 7, path: '/vhosts/v/queues/v1/arguments/x-queue-version' },
    ]);
    const on40 = checkVersionSupport(spec, { version: '4.0.5' }, { exchangeTypes: true });
    // 4.0.5 still takes x-queue-version 1 (measured).
    expect(on40.map((d) => [d.code, d.path])).toEqual([
      ['POLICY_KEY_UNSUPPORTED', '/vhosts/v/policies/retry/definition/delayed-retry-type'],
      ['POLICY_KEY_UNSUPPORTED', '/vhosts/v/policies/retry/definition/delayed-retry-min'],
      ['POLICY_KEY_UNSUPPORTED', '/vhosts/v/policies/retry/definition/delayed-retry-max'],
    ]);
    expect(on40[0]?.message).toBe(
      'policy "retry" in vhost "v" sets "delayed-retry-type", which RabbitMQ 4.0.5 does not know (it needs 4.3.0): the broker would refuse the whole policy; remove the key or upgrade',
    );
  });

  it('on 3.10: no x-local-random, no consumer-timeout key, no queue-type apply-to; x-queue-version 1 is fine', () => {
    const on310 = checkVersionSupport(spec, { version: '3.10.8' }, { exchangeTypes: true });
    expect(on310.map((d) => [d.code, d.path])).toEqual([
      ['EXCHANGE_TYPE_NOT_AVAILABLE', '/vhosts/v/exchanges/lr/type'],
      ['POLICY_APPLY_TO_UNSUPPORTED', '/vhosts/v/policies/retry/apply-to'],
      ['POLICY_KEY_UNSUPPORTED', '/vhosts/v/policies/retry/definition/delayed-retry-type'],
      ['POLICY_KEY_UNSUPPORTED', '/vhosts/v/policies/retry/definition/delayed-retry-min'],
      ['POLICY_KEY_UNSUPPORTED', '/vhosts/v/policies/retry/definition/delayed-retry-max'],
      ['POLICY_KEY_UNSUPPORTED', '/vhosts/v/policies/timeout/definition/consumer-timeout'],
    ]);
    expect(on310[0]?.message).toContain('only from 4.0.0');
  });

  it('reports a resource whose feature flag the broker has not enabled', () => {
    const found = checkVersionSupport(spec, { version: '4.3.6', featureFlags: { quorum_queue: 'disabled', rabbit_exchange_type_local_random: 'enabled' } });
    const flags = found.filter((d) => d.code === 'FEATURE_FLAG_NOT_ENABLED');
    expect(flags.map(where)).toEqual([{ code: 'FEATURE_FLAG_NOT_ENABLED', severity: 'error', file: 't.yaml', line: 9, column: 7, path: '/vhosts/v/queues/qq' }]);
    expect(flags[0]?.message).toContain('rabbitmqctl enable_feature_flag quorum_queue');
  });

  it('the offline table knows x-local-random, for suggestions too', () => {
    const { diagnostics } = parseSpecText(yaml('version: 1', 'vhosts:', '  v:', '    exchanges: { spread: { type: local-random } }'), 't.yaml');
    expect(diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('did you mean `x-local-random`?')]);
  });

  it('live, the broker’s exchange types decide, with the version for the fix', () => {
    const found = checkAgainstBroker(spec, { version: '3.10.8', exchangeTypes: ['direct', 'fanout', 'topic', 'headers'] }).filter((d) => d.code === 'EXCHANGE_TYPE_NOT_AVAILABLE');
    expect(found).toHaveLength(1);
    expect(found[0]?.message).toContain('built in from RabbitMQ 4.0.0');
  });
});

describe('the policy key table', () => {
  it('has the 4.3 delayed-retry keys from 4.3.0 only', () => {
    for (const key of ['delayed-retry-type', 'delayed-retry-min', 'delayed-retry-max']) {
      const rule = POLICY_KEYS[key];
      if (rule === undefined) throw new Error(`${key} missing`);
      expect([policyKeyIn(rule, '4.3.6'), policyKeyIn(rule, '4.2.9'), policyKeyIn(rule, '3.10.8')]).toEqual([true, false, false]);
    }
  });

  it('spec loading no longer warns of them as unknown, and says what to use for a setting that is no policy key', () => {
    const { diagnostics } = parseSpecText(
      yaml(
        'version: 1',
        'vhosts:',
        '  v:',
        '    policies:',
        '      p: { pattern: "^q", definition: { delayed-retry-type: all, delayed-retry-min: 1000, delayed-retry-max: 5000, single-active-consumer: true } }',
      ),
      't.yaml',
    );
    expect(diagnostics.map((d) => [d.code, d.severity, d.path])).toEqual([['POLICY_KEY_UNKNOWN', 'error', '/vhosts/v/policies/p/definition/single-active-consumer']]);
    expect(diagnostics[0]?.message).toContain('x-single-active-consumer');
  });
});

describe('checkShovelAddresses', () => {
  const shovels = load(
    yaml(
      'version: 1',
      'vhosts:',
      '  v:',
      '    shovels:',
      "      old: { src-protocol: amqp10, src-uri: 'amqp://', src-address: /queue/a, dest-protocol: amqp10, dest-uri: 'amqp://', dest-address: /exchanges/x/k }",
      "      new: { src-protocol: amqp10, src-uri: 'amqp://', src-address: /queues/a, dest-protocol: amqp10, dest-uri: 'amqp://', dest-address: /exchanges/x }",
      "      amqp091: { src-uri: 'amqp://', src-queue: a, dest-uri: 'amqp://', dest-queue: b }",
    ),
  );

  it('warns of a v1 AMQP 1.0 address where this broker denies amqp_address_v1 (4.3), and nowhere else', () => {
    const found = checkShovelAddresses(shovels, { version: '4.3.6', deprecatedFeatures: { amqp_address_v1: 'denied' } });
    expect(found.map(where)).toEqual([{ code: 'DEPRECATED_FEATURE_USED', severity: 'warning', file: 't.yaml', line: 5, column: 7, path: '/vhosts/v/shovels/old' }]);
    expect(found[0]?.message).toContain('use /queues/NAME or /exchanges/NAME/KEY');
    expect(checkShovelAddresses(shovels, { version: '4.3.6', deprecatedFeatures: { amqp_address_v1: 'permitted' } })).toEqual([]);
    expect(checkShovelAddresses(shovels, { version: '4.0.5' })).toEqual([]);
    expect(checkShovelAddresses(shovels, { version: '3.10.8' })).toEqual([]);
  });
});
