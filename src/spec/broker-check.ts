/** Checks of a desired topology against what a particular broker offers. */
import type { BrokerInfo, Desired, Resource, ResourceMap, SourceLocation } from '../model/types.js';
import type { Change } from '../model/change.js';
import { namedKey, resourceKey } from '../model/keys.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic } from '../model/diagnostics.js';
import { PLUGIN_EXCHANGE_TYPES } from './names.js';
import { q } from './describe.js';
import { PARAMETER_COMPONENT_PLUGINS, POLICY_KEYS } from '../model/policy-keys.js';
import { BUILTIN_EXCHANGE_TYPES_SINCE, VERSION_FEATURES } from '../model/versions.js';
import { checkDeprecatedFeatures, checkShovelAddresses, checkVersionSupport, type VersionCheckOptions } from './version-check.js';

/**
 * What the broker would refuse at apply time, found before anything is
 * applied: exchange types it does not offer (each reported once per exchange
 * with the plugin to enable; declaring an unknown exchange type closes the
 * whole AMQP connection), plugins it does not run, and what its version and
 * deprecated features refuse (checkPoliciesAgainstBroker). `written`: see
 * VersionCheckOptions.
 */
export function checkAgainstBroker(desired: Desired, broker: BrokerInfo, options: Pick<VersionCheckOptions, 'written'> = {}): Diagnostic[] {
  const available = new Set(broker.exchangeTypes);
  const out: Diagnostic[] = [...checkPoliciesAgainstBroker(desired, broker, options), ...checkPlugins(desired, broker)];
  for (const r of desired.resources.values()) {
    if (r.kind !== 'exchange' || available.has(r.type)) continue;
    const plugin = PLUGIN_EXCHANGE_TYPES[r.type];
    const builtinSince = BUILTIN_EXCHANGE_TYPES_SINCE[r.type];
    const fix =
      builtinSince !== undefined
        ? `it is built in from RabbitMQ ${VERSION_FEATURES[builtinSince]}; upgrade, or use another type`
        : plugin !== undefined
          ? `enable the ${plugin} plugin (rabbitmq-plugins enable ${plugin})`
          : 'enable the plugin that provides it, or use another type';
    out.push(
      diagnostic(
        'EXCHANGE_TYPE_NOT_AVAILABLE',
        `exchange ${q(r.name)} in vhost ${q(r.vhost)} has type ${q(r.type)}, which this broker (RabbitMQ ${broker.version}) does not offer; ${fix}`,
        r.source,
      ),
    );
  }
  return out;
}

/**
 * What the broker's version and facts refuse (spec/version-check): deprecated
 * features it denies or removed (errors) or still permits (warnings), policy
 * keys and `apply-to` values it does not know, `x-queue-version: 1` on 4.3,
 * resources whose feature flag is off; and keys operator policies may not set.
 */
function checkPoliciesAgainstBroker(desired: Desired, broker: BrokerInfo, options: Pick<VersionCheckOptions, 'written'> = {}): Diagnostic[] {
  const out: Diagnostic[] = [...checkDeprecatedFeatures(desired, broker, options), ...checkShovelAddresses(desired, broker), ...checkVersionSupport(desired, broker, options)];
  for (const r of desired.resources.values()) {
    if (r.kind !== 'operator_policy') continue;
    for (const key of Object.keys(r.definition)) {
      const rule = POLICY_KEYS[key];
      // Unknown keys are reported when the spec is loaded (spec/validate-kinds: POLICY_KEY_UNKNOWN).
      if (rule === undefined || rule.operator === true) continue;
      const allowed = Object.entries(POLICY_KEYS).filter(([, v]) => v.operator === true).map(([k]) => k);
      out.push(diagnostic('OPERATOR_POLICY_KEY_NOT_ALLOWED', `operator policy ${q(r.name)} in vhost ${q(r.vhost)} sets ${q(key)}, which operator policies cannot set; allowed: ${allowed.join(', ')}`, r.source));
    }
  }
  return out;
}

/** What a resource is called in a message, and the plugin it needs (undefined: none). */
function pluginNeed(r: Resource): { what: string; plugin: string; at: SourceLocation | undefined } | undefined {
  if (r.kind === 'parameter') {
    const plugin = PARAMETER_COMPONENT_PLUGINS[r.component];
    return plugin === undefined ? undefined : { what: `${r.component} ${q(r.parameter)} in vhost ${q(r.vhost)}`, plugin, at: r.source };
  }
  if (r.kind === 'policy' || r.kind === 'operator_policy') {
    for (const key of Object.keys(r.definition)) {
      const plugin = POLICY_KEYS[key]?.plugin;
      if (plugin !== undefined) return { what: `policy ${q(r.name)} in vhost ${q(r.vhost)} (key ${q(key)})`, plugin, at: r.source };
    }
  }
  return undefined;
}

/** The plugins the spec needs (shovels, federation), none when it needs none. */
export function neededPlugins(desired: Desired): Set<string> {
  const out = new Set<string>();
  for (const r of desired.resources.values()) {
    const need = pluginNeed(r);
    if (need !== undefined) out.add(need.plugin);
  }
  return out;
}

/**
 * Resources whose plugin the broker does not run (on every running node):
 * the broker would refuse them at apply time, after the changes before them.
 * Checked only when `broker.plugins` was read.
 */
function checkPlugins(desired: Desired, broker: BrokerInfo): Diagnostic[] {
  if (broker.plugins === undefined) return [];
  const running = new Set(broker.plugins);
  const out: Diagnostic[] = [];
  for (const r of desired.resources.values()) {
    const need = pluginNeed(r);
    if (need === undefined || running.has(need.plugin)) continue;
    out.push(
      diagnostic(
        'PLUGIN_NOT_ENABLED',
        `${need.what} needs the ${need.plugin} plugin, which is not running on every node of this broker; enable it (rabbitmq-plugins enable ${need.plugin}) on each node, or remove the resource`,
        need.at,
      ),
    );
  }
  return out;
}

/**
 * What the broker would refuse in a saved plan, checked when it is applied
 * (the broker's deprecated features or version may have changed since the
 * plan was made, or the plan was made against another broker): the
 * resources it creates, updates or replaces, as checkPoliciesAgainstBroker
 * checks a spec. Live exchanges that bindings of the plan start from are
 * looked at for their type (topic keys), not checked themselves.
 */
export function checkSavedPlanAgainstBroker(changes: readonly Change[], live: ResourceMap, broker: BrokerInfo): Diagnostic[] {
  const resources = new Map<string, Resource>();
  for (const c of changes) if (c.action !== 'delete' && c.after !== undefined) resources.set(c.key, c.after);
  const written = new Set(resources.keys());
  for (const r of [...resources.values()]) {
    if (r.kind !== 'binding') continue;
    const key = namedKey('exchange', r.vhost, r.source);
    const source = live.get(key);
    if (source !== undefined && !resources.has(key)) resources.set(key, source);
  }
  const desired: Desired = { vhosts: [...new Set(changes.map((c) => c.vhost))], resources };
  return checkPoliciesAgainstBroker(desired, broker, { written: (r) => written.has(resourceKey(r)) });
}
