/** Checks of a desired topology against what a particular broker offers. */
import type { BrokerInfo, Desired } from '../model/types.js';
import type { Diagnostic } from '../model/diagnostics.js';
import { diagnostic } from '../model/diagnostics.js';
import { PLUGIN_EXCHANGE_TYPES } from './names.js';
import { q } from './describe.js';

/**
 * Exchange types the broker does not offer, each reported once per exchange
 * with the plugin to enable. Run before apply: declaring an unknown exchange
 * type closes the whole AMQP connection.
 */
export function checkAgainstBroker(desired: Desired, broker: BrokerInfo): Diagnostic[] {
  const available = new Set(broker.exchangeTypes);
  const out: Diagnostic[] = [];
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
