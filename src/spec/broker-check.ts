/** Checks of a desired topology against what a particular broker offers. */
import type { BrokerInfo, Desired, Resource, SourceLocation } from '../model/types.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic } from '../model/diagnostics.js';
import { PLUGIN_EXCHANGE_TYPES } from './names.js';
import { q } from './describe.js';
import { APPLY_TO_SINCE, PARAMETER_COMPONENT_PLUGINS, POLICY_KEYS } from '../model/policy-keys.js';
import { supports, VERSION_FEATURES } from '../model/versions.js';

/**
 * Exchange types the broker does not offer, each reported once per exchange
 * with the plugin to enable. Run before apply: declaring an unknown exchange
 * type closes the whole AMQP connection.
 */
export function checkAgainstBroker(desired: Desired, broker: BrokerInfo): Diagnostic[] {
  const available = new Set(broker.exchangeTypes);
  const out: Diagnostic[] = [...checkPoliciesAgainstBroker(desired, broker), ...checkPlugins(desired, broker)];
  for (const r of desired.resources.values()) {
    if (r.kind !== 'exchange' || available.has(r.type)) continue;
    const plugin = PLUGIN_EXCHANGE_TYPES[r.type];
    const fix =
      plugin !== undefined
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
 * Policy keys and values against the broker's version (model/policy-keys,
 * model/versions): keys removed in this version (classic mirroring's `ha-*`
 * on 4.x), keys operator policies may not set, `apply-to` values the version
 * does not know, and keys no version knows (a warning: plugins add keys).
 * Also non-durable classic queues where the version refuses them.
 */
export function checkPoliciesAgainstBroker(desired: Desired, broker: BrokerInfo): Diagnostic[] {
  const out: Diagnostic[] = [];
  const on = `RabbitMQ ${broker.version}`;
  for (const r of desired.resources.values()) {
    if (r.kind === 'queue' && !r.durable && r.type === 'classic' && supports(broker.version, 'transient_queues_denied')) {
      out.push(
        diagnostic(
          'TRANSIENT_QUEUE_REFUSED',
          `queue ${q(r.name)} in vhost ${q(r.vhost)} is not durable: ${on} refuses transient non-exclusive queues unless deprecated_features.permit.transient_nonexcl_queues is set; make it durable`,
          r.source,
        ),
      );
    }
    if (r.kind !== 'policy' && r.kind !== 'operator_policy') continue;
    const what = `${r.kind === 'policy' ? 'policy' : 'operator policy'} ${q(r.name)} in vhost ${q(r.vhost)}`;
    const since = APPLY_TO_SINCE[r.apply_to];
    if (since !== undefined && !supports(broker.version, since)) {
      out.push(diagnostic('POLICY_APPLY_TO_UNSUPPORTED', `${what} has apply-to ${q(r.apply_to)}, which ${on} does not know (it needs ${VERSION_FEATURES[since]}); use queues`, r.source));
    }
    for (const key of Object.keys(r.definition)) {
      const rule = POLICY_KEYS[key];
      // Unknown keys are reported when the spec is loaded (spec/validate-kinds: POLICY_KEY_UNKNOWN).
      if (rule === undefined) continue;
      if (rule.removedWith !== undefined && supports(broker.version, rule.removedWith)) {
        out.push(
          diagnostic(
            'POLICY_KEY_REMOVED',
            `${what} sets ${q(key)}, which ${on} no longer has (classic queue mirroring was removed in ${VERSION_FEATURES[rule.removedWith]}); remove the ha-* keys and use quorum queues for replication`,
            r.source,
          ),
        );
      } else if (r.kind === 'operator_policy' && rule.operator !== true) {
        const allowed = Object.entries(POLICY_KEYS).filter(([, v]) => v.operator === true).map(([k]) => k);
        out.push(diagnostic('OPERATOR_POLICY_KEY_NOT_ALLOWED', `${what} sets ${q(key)}, which operator policies cannot set; allowed: ${allowed.join(', ')}`, r.source));
      }
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
